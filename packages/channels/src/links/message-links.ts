import { UnauthorizedError } from '@cx/core';
import type { ChannelKind } from '../contract/channel-kind';
import type { MessageLinks } from '../contract/outbound-message';
import type { LinkSigner } from './link-signer';

/** What an unsubscribe token says: whose, from which channel and topic, and from which message. */
export interface UnsubscribeToken {
  a: 'unsubscribe';
  /** Workspace id: the server finds the workspace from the token, and a token opens no other. */
  w: string;
  /** Profile id. */
  p: string;
  /** Channel. */
  c: ChannelKind;
  /** Topic, when the message had one: the link leaves that topic only. */
  t?: string;
  /** The message the link came in, for the `Message Unsubscribed` event. */
  m?: string;
}

/** What a preference-page token says: whose preferences it opens. */
export interface PreferencesToken {
  a: 'preferences';
  w: string;
  p: string;
}

/**
 * What a profile token says: the person a browser or app acts as on `/v1/me/…` (the in-app inbox,
 * push subscriptions). Your backend hands it to the signed-in person's page.
 */
export interface ProfileToken {
  a: 'me';
  w: string;
  p: string;
}

/** Builds and reads the signed links a message carries, served by `@cx/server`. */
export interface MessageLinkBuilder {
  /** The links for one message: one-click unsubscribe (RFC 8058), mailto, preference page. */
  forMessage(input: {
    profileId: string;
    channel: ChannelKind;
    topic?: string;
    messageId: string;
  }): MessageLinks;
  /** The preference page of a person. */
  preferencesUrl(profileId: string): string;
  /** A token for `/v1/me/…` acting as the person (the inbox, push subscriptions). */
  profileToken(profileId: string): string;
  readUnsubscribe(token: string): UnsubscribeToken;
  readPreferences(token: string): PreferencesToken;
  readProfileToken(token: string): ProfileToken;
}

/**
 * The workspace a link token names, read WITHOUT checking its signature: only for finding which
 * workspace's signer must then verify it. `undefined` when the token is malformed.
 */
export function tokenWorkspace(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'));
    return typeof payload?.w === 'string' ? payload.w : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Signed unsubscribe and preference links under `baseUrl`:
 * `/v1/channels/unsubscribe/<token>` (GET shows a confirmation, POST is the RFC 8058 one-click)
 * and `/v1/channels/preferences/<token>`.
 */
export function messageLinks(options: {
  baseUrl: string;
  signer: LinkSigner;
  workspaceId: string;
  unsubscribeMailto?: string;
}): MessageLinkBuilder {
  const w = options.workspaceId;
  const base = options.baseUrl.replace(/\/+$/, '');
  const read = <T extends { a: string }>(token: string, action: T['a']) => {
    const payload = options.signer.verify<T & Record<string, unknown>>(token);
    if (payload.a !== action || payload.w !== w || typeof payload.p !== 'string') {
      throw new UnauthorizedError(`link token is not a ${action} token`);
    }
    return payload as T;
  };
  const preferencesUrl = (p: string) =>
    `${base}/v1/channels/preferences/${options.signer.sign({ a: 'preferences', w, p })}`;
  return {
    forMessage({ profileId, channel, topic, messageId }) {
      const token = options.signer.sign({
        a: 'unsubscribe',
        w,
        p: profileId,
        c: channel,
        m: messageId,
        ...(topic === undefined ? {} : { t: topic }),
      });
      return {
        unsubscribe: `${base}/v1/channels/unsubscribe/${token}`,
        ...(options.unsubscribeMailto
          ? { unsubscribeMailto: `mailto:${options.unsubscribeMailto}?subject=unsubscribe%20${token}` }
          : {}),
        preferences: preferencesUrl(profileId),
      };
    },
    preferencesUrl,
    profileToken: (p) => options.signer.sign({ a: 'me', w, p }),
    readProfileToken: (token) => read<ProfileToken>(token, 'me'),
    readUnsubscribe: (token) => read<UnsubscribeToken>(token, 'unsubscribe'),
    readPreferences: (token) => read<PreferencesToken>(token, 'preferences'),
  };
}
