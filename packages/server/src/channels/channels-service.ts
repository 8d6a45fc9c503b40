import type { Channels, MessageLinkBuilder } from '@cx/channels';
import type { Inbox } from '@cx/channels/in-app';
import { ConfigError, NotFoundError, UnauthorizedError } from '@cx/core';
import type { ResolvedOptions, ServerChannelsOptions } from '../options';

/** The channels services of the served workspaces, each asked for once and kept. */
export interface ChannelsResolver {
  /** The workspace's service, or `undefined` where channels are off (or the workspace is not served). */
  service(workspaceId: string): Promise<Channels | undefined>;
  /** The workspace's in-app inbox, or `undefined` where there is none. */
  inbox(workspaceId: string): Inbox | undefined;
}

/**
 * `@cx/channels`, loaded on the first channels request: a server without the `channels` option
 * never loads it (it is an optional peer dependency).
 */
export const loadChannels = () => import('@cx/channels');

/**
 * Asks the factories once per workspace and keeps the answers. Only workspaces the server serves
 * are asked: link tokens and webhook paths name workspaces before anything is verified, and an
 * unknown name must neither reach the factory nor grow the cache.
 *
 * A service of another workspace would accept that workspace's links here, so it is refused. The
 * facade has no workspace id, but its signed tokens carry one: a probe token tells (when the
 * service has links; without links it serves no token route and the check is skipped).
 */
export function keptChannels(
  input: ServerChannelsOptions,
  served: (workspaceId: string) => boolean,
): ChannelsResolver {
  const services = new Map<string, Promise<Channels | undefined>>();
  const inboxes = new Map<string, Inbox | undefined>();
  const checkedService = async (workspaceId: string): Promise<Channels | undefined> => {
    const service = input.service(workspaceId);
    if (service === undefined || service.links === undefined) return service;
    const { tokenWorkspace } = await loadChannels();
    const owner = tokenWorkspace(service.links.profileToken('workspace-probe'));
    if (owner !== workspaceId) {
      throw new ConfigError(
        `channels.service("${workspaceId}") returned the service of workspace "${owner}"`,
      );
    }
    return service;
  };
  return {
    service(workspaceId) {
      if (!served(workspaceId)) return Promise.resolve(undefined);
      let kept = services.get(workspaceId);
      if (kept === undefined) {
        kept = checkedService(workspaceId);
        services.set(workspaceId, kept);
        // A factory that failed is asked again next time, as segments' is.
        kept.catch(() => services.delete(workspaceId));
      }
      return kept;
    },
    inbox(workspaceId) {
      if (!served(workspaceId) || input.inbox === undefined) return undefined;
      if (inboxes.has(workspaceId)) return inboxes.get(workspaceId);
      const inbox = input.inbox(workspaceId);
      if (inbox !== undefined && inbox.workspaceId !== workspaceId) {
        throw new ConfigError(
          `channels.inbox("${workspaceId}") returned the inbox of workspace "${inbox.workspaceId}"`,
        );
      }
      inboxes.set(workspaceId, inbox);
      return inbox;
    },
  };
}

/** The channels service of a workspace, or a `NotFoundError` where channels are off. */
export async function channelsOf(options: ResolvedOptions, workspaceId: string): Promise<Channels> {
  const service = await options.channels?.service(workspaceId);
  if (service === undefined) throw new NotFoundError('Channels are not enabled for this workspace');
  return service;
}

/** The in-app inbox of a workspace, or a `NotFoundError` where there is none. */
export function inboxOf(options: ResolvedOptions, workspaceId: string): Inbox {
  const inbox = options.channels?.inbox(workspaceId);
  if (inbox === undefined) throw new NotFoundError('The in-app inbox is not enabled for this workspace');
  return inbox;
}

/**
 * The service whose signer made a link token, found by the workspace the token names (read
 * unverified, only to pick the service; the service then verifies it). A token that names no
 * workspace is `UNAUTHORIZED`; a workspace without channels is `NOT_FOUND`.
 */
export async function serviceForToken(
  options: ResolvedOptions,
  token: string,
): Promise<{ service: Channels; links: MessageLinkBuilder; workspaceId: string }> {
  if (options.channels === undefined) throw new NotFoundError('Channels are not enabled on this server');
  const { tokenWorkspace } = await loadChannels();
  const workspaceId = tokenWorkspace(token);
  if (workspaceId === undefined) throw new UnauthorizedError('The link token is malformed');
  const service = await channelsOf(options, workspaceId);
  // Without links the workspace made no token, so none can be for it.
  if (service.links === undefined) throw new NotFoundError('Links are not configured for this workspace');
  return { service, links: service.links, workspaceId };
}
