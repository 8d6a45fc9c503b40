import type { LinkSigner } from './link-signer';

/** What a tracking token says: which message, whose, and for a click, where to. */
export interface TrackingPayload extends Record<string, unknown> {
  /** cx message id. */
  m: string;
  /** Profile id. */
  p: string;
  /** The link's target, for clicks. */
  u?: string;
  /** Workspace id, when the links were made for one (the server finds the workspace by it). */
  w?: string;
}

/** Builds the open-pixel and click-redirect URLs served by `@cx/server`. */
export interface TrackingLinks {
  /** A 1×1 image URL that records `opened`. */
  openPixel(messageId: string, profileId: string): string;
  /** A redirect URL that records `clicked` and sends the browser on to `url`. */
  click(messageId: string, profileId: string, url: string): string;
}

/**
 * Tracking URLs under `baseUrl` (the public address of `@cx/server`):
 * `/v1/channels/open/<token>` and `/v1/channels/click/<token>`. The token is signed, so a
 * tracking link cannot be turned into an open redirect or used to record events for someone else.
 */
export function trackingLinks(baseUrl: string, signer: LinkSigner, workspaceId?: string): TrackingLinks {
  const base = baseUrl.replace(/\/+$/, '');
  const w = workspaceId === undefined ? {} : { w: workspaceId };
  return {
    openPixel: (m, p) => `${base}/v1/channels/open/${signer.sign({ m, p, ...w })}`,
    click: (m, p, u) => `${base}/v1/channels/click/${signer.sign({ m, p, u, ...w })}`,
  };
}
