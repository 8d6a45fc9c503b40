import { type Clock, systemClock } from '@cx/core';
import { signJwt } from '../shared/jwt';
import { type VapidKeys, vapidSigningKey } from './vapid-keys';

/**
 * The application server's VAPID identity (RFC 8292).
 *
 * @example
 * ```ts
 * const vapid: VapidDetails = { subject: 'mailto:ops@example.com', ...generateVapidKeys() };
 * ```
 */
export interface VapidDetails extends VapidKeys {
  /** How the push service can reach you: a `mailto:` address or an `https:` URL. */
  subject: string;
}

/**
 * Options of {@link createVapidAuthorizer}.
 *
 * @example
 * ```ts
 * const authorize = createVapidAuthorizer(vapid, { clock: new ManualClock('2026-01-01T00:00:00Z') });
 * ```
 */
export interface VapidAuthorizerOptions {
  /** Where time comes from; the system clock by default. */
  clock?: Clock;
}

/**
 * Gives the `Authorization` header value for a push endpoint.
 *
 * @example
 * ```ts
 * const authorize: VapidAuthorizer = createVapidAuthorizer(vapid);
 * const headers = { authorization: authorize(subscription.endpoint) };
 * ```
 */
export type VapidAuthorizer = (endpoint: string) => string;

/** RFC 8292 §2 caps `exp` at 24 h; 12 h leaves room for clock skew at the push service. */
const LIFETIME_S = 12 * 60 * 60;
/** A token this close to expiry is replaced, so none expires in flight or in a retry queue. */
const RENEW_BEFORE_S = 60 * 60;
/** Push services are a handful of origins; the bound only protects against odd subscriptions. */
const MAX_AUDIENCES = 64;

/**
 * Makes the `Authorization: vapid t=<JWT>, k=<public key>` header of RFC 8292 for each push
 * endpoint: an ES256 JWT with `aud` the endpoint's origin, `exp` 12 h ahead and `sub` the subject.
 * Tokens are cached per audience and reused until an hour before they expire, so a campaign of a
 * million pushes signs a handful of tokens, not a million.
 *
 * @example
 * ```ts
 * const authorize = createVapidAuthorizer({ subject: 'mailto:ops@example.com', ...generateVapidKeys() });
 * const header = authorize('https://fcm.googleapis.com/fcm/send/abc');
 * ```
 */
export function createVapidAuthorizer(
  details: VapidDetails,
  options: VapidAuthorizerOptions = {},
): VapidAuthorizer {
  const clock = options.clock ?? systemClock;
  const key = vapidSigningKey(details);
  const cache = new Map<string, { header: string; renewAt: number }>();
  return (endpoint) => {
    const audience = new URL(endpoint).origin;
    const now = Math.floor(clock.now() / 1000);
    const cached = cache.get(audience);
    if (cached && now < cached.renewAt) return cached.header;
    const exp = now + LIFETIME_S;
    const token = signJwt({ typ: 'JWT', alg: 'ES256' }, { aud: audience, exp, sub: details.subject }, key);
    const header = `vapid t=${token}, k=${details.publicKey}`;
    if (cache.size >= MAX_AUDIENCES && !cache.has(audience)) cache.clear();
    cache.set(audience, { header, renewAt: exp - RENEW_BEFORE_S });
    return header;
  };
}
