import {
  type ChannelAdapter,
  type Channels,
  createChannels,
  createLinkSigner,
  type LinkSigner,
  trackingLinks,
} from '@cx/channels';
import { type Clock, ConfigError, isCxError, type Storage } from '@cx/core';
import { buildAdapters } from './build-adapters';
import type { LoadedChannelsConfig } from './read-channels-config';

/** Options of {@link openChannels}. */
export interface OpenChannelsOptions {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  /** The channels config; `null` opens the service without adapters (previews, outbox reads). */
  loaded: LoadedChannelsConfig | null;
}

/** The messaging service of a workspace, opened for one command. */
export interface OpenedChannels {
  channels: Channels;
  adapters: readonly ChannelAdapter[];
  /** Closes what the adapters opened (SMTP pools, HTTP/2 sessions); the storage stays open. */
  close(): Promise<void>;
}

/** Runs `step`, turning a configuration mistake into a `ConfigError` that names the config file. */
function inConfig<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!isCxError(error, 'CONFIG') && !isCxError(error, 'VALIDATION')) throw error;
    throw new ConfigError(`the channels config ${path} is invalid: ${error.message}`, { cause: error });
  }
}

/**
 * Opens `createChannels` on a storage with the adapters, providers, links, topics, pressure rules
 * and defaults of a channels config. The link signer is made here, once, so the email adapter's
 * tracking links and the service's unsubscribe links are signed alike.
 *
 * @throws `ConfigError` naming the config file (and the adapter's path) for options the adapters
 * or `createChannels` refuse: two adapters with one id, a provider that is not an adapter of its
 * channel, a link secret under 32 characters, duplicate pressure rule ids.
 * @example
 * ```ts
 * const loaded = await readChannelsConfig('cx.channels.json', { env: process.env });
 * const { channels, close } = await openChannels({ storage, workspaceId: 'acme', clock: systemClock, loaded });
 * ```
 */
export async function openChannels(options: OpenChannelsOptions): Promise<OpenedChannels> {
  const { storage, workspaceId, clock, loaded } = options;
  const config = loaded?.config;
  const path = loaded?.path ?? '(none)';
  const signer: LinkSigner | undefined = config?.links
    ? inConfig(path, () => {
        try {
          return createLinkSigner({ secret: config.links!.secret });
        } catch (error) {
          throw new ConfigError(`links.secret: ${(error as Error).message}`, { cause: error });
        }
      })
    : undefined;
  const links =
    config?.links && signer
      ? {
          baseUrl: config.links.baseUrl,
          signer,
          ...(config.links.unsubscribeMailto ? { unsubscribeMailto: config.links.unsubscribeMailto } : {}),
        }
      : undefined;
  let adapters: ChannelAdapter[] = [];
  if (config) {
    try {
      adapters = await buildAdapters(config.adapters, {
        storage,
        workspaceId,
        clock,
        tracking: links ? trackingLinks(links.baseUrl, links.signer, workspaceId) : undefined,
      });
    } catch (error) {
      if (!isCxError(error, 'CONFIG')) throw error;
      throw new ConfigError(`the channels config ${path} is invalid: ${error.message}`, { cause: error });
    }
  }
  const close = async () => {
    await Promise.allSettled(adapters.map((adapter) => adapter.close?.()));
  };
  try {
    const channels = inConfig(path, () =>
      createChannels({
        storage,
        workspaceId,
        clock,
        adapters,
        ...(config?.providers ? { providers: config.providers } : {}),
        ...(config?.topics ? { topics: config.topics } : {}),
        ...(config?.pressure ? { pressure: config.pressure } : {}),
        ...(links ? { links } : {}),
        ...(config?.retry ? { retry: config.retry } : {}),
        ...(config?.defaults ? { defaults: config.defaults } : {}),
        ...(config?.recipientTraits ? { recipientTraits: config.recipientTraits } : {}),
        ...(config?.sendTimeoutMs === undefined ? {} : { sendTimeoutMs: config.sendTimeoutMs }),
        ...(config?.allowInsecurePushEndpoints === undefined
          ? {}
          : { allowInsecurePushEndpoints: config.allowInsecurePushEndpoints }),
      }),
    );
    return { channels, adapters, close };
  } catch (error) {
    await close();
    throw error;
  }
}
