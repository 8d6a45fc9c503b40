import { isCxError, ValidationError } from '@cx/core';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { linkFailure } from './channel-errors';
import { serviceForToken } from './channels-service';

/** A 1×1 GIF whose one pixel is transparent (42 bytes: a graphic control extension marks colour 0 transparent). */
const PIXEL = new Uint8Array(
  Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'),
);

/** Every open is a request: no browser, proxy or mail client may answer it from a cache. */
const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, private',
  pragma: 'no-cache',
  expires: '0',
};

const pixel = (): CollectorResponse => ({
  status: 200,
  headers: { 'content-type': 'image/gif', ...NO_CACHE },
  body: PIXEL,
});

/**
 * `GET /v1/channels/open/<token>`, the open pixel: records `Message Opened` and answers the GIF.
 * It answers the GIF whatever happens, so a message never shows a broken image; a token that does
 * not verify records nothing, and a failure to record goes to `onError` (a bad token does not:
 * anyone can request a pixel URL). A second open of the same message is recorded once.
 */
export async function openRoute(token: string, options: ResolvedOptions): Promise<CollectorResponse> {
  try {
    const { service } = await serviceForToken(options, token);
    await service.trackOpen(token);
  } catch (error) {
    const refused = isCxError(error, 'UNAUTHORIZED') || isCxError(error, 'NOT_FOUND');
    if (!refused) options.onError(error);
  }
  return pixel();
}

/**
 * `GET /v1/channels/click/<token>`, the click redirect: records `Message Clicked` and answers
 * `302` to the link's URL. The URL comes only from the signed token, so the route cannot be made
 * into an open redirect: a forged or altered token is `401`, and a URL that is not http(s) is
 * `400`.
 */
export async function clickRoute(
  request: CollectorRequest,
  token: string,
  options: ResolvedOptions,
): Promise<CollectorResponse> {
  try {
    const { service } = await serviceForToken(options, token);
    const url = await service.trackClick(token);
    if (!/^https?:$/.test(safeProtocol(url))) {
      throw new ValidationError('The link does not lead to an http or https address', [
        { path: 'url', message: 'Expected an http or https URL', code: 'invalid_url' },
      ]);
    }
    return {
      status: 302,
      headers: { location: url, 'referrer-policy': 'no-referrer', ...NO_CACHE },
      body: '',
    };
  } catch (error) {
    return linkFailure(error, request, options);
  }
}

const safeProtocol = (url: string) => {
  try {
    return new URL(url).protocol;
  } catch {
    return '';
  }
};
