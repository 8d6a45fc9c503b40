import type { KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '@cx/core';
import { signJwt } from '../shared/jwt';

/**
 * Options of {@link apnsProviderToken}.
 *
 * @example
 * ```ts
 * const options: ApnsProviderTokenOptions = { teamId: 'ABCDE12345', keyId: 'KEY1234567', signingKey: createPrivateKey(p8) };
 * ```
 */
export interface ApnsProviderTokenOptions {
  /** The Apple Developer team id (10 characters). */
  teamId: string;
  /** The id of the APNs auth key (10 characters). */
  keyId: string;
  /** The auth key (.p8), imported. */
  signingKey: KeyObject;
  /** Where time comes from; the system clock by default. */
  clock?: Clock;
}

/**
 * The provider authentication token of APNs token-based auth, kept and renewed on Apple's terms.
 *
 * @example
 * ```ts
 * let token = tokens.current();
 * // … APNs answered 403 ExpiredProviderToken:
 * token = tokens.renew(token);
 * ```
 */
export interface ApnsProviderToken {
  /** The token to send now: the kept one, or a new one once it is 50 minutes old. */
  current(): string;
  /**
   * Replaces `rejected` after APNs answered `ExpiredProviderToken`; returns the token to retry
   * with. Concurrent sends that saw the same rejected token share one replacement.
   */
  renew(rejected: string): string;
}

/**
 * APNs refuses tokens older than an hour and answers `TooManyProviderTokenUpdates` to a sender that
 * changes its token more than once every 20 minutes; renewing at 50 minutes keeps clear of both.
 *
 * @example
 * ```ts
 * clock.advance(APNS_TOKEN_REUSE_MS); // the next send signs a new token
 * ```
 */
export const APNS_TOKEN_REUSE_MS = 50 * 60 * 1000;

/**
 * Signs and keeps the APNs provider token: an ES256 JWT with header `{ alg: 'ES256', kid: keyId }`
 * and claims `{ iss: teamId, iat }`, reused for 50 minutes.
 *
 * @example
 * ```ts
 * import { createPrivateKey } from 'node:crypto';
 * const tokens = apnsProviderToken({ teamId: 'ABCDE12345', keyId: 'KEY1234567', signingKey: createPrivateKey(p8) });
 * const authorization = `bearer ${tokens.current()}`;
 * ```
 */
export function apnsProviderToken(options: ApnsProviderTokenOptions): ApnsProviderToken {
  const clock = options.clock ?? systemClock;
  let token: { value: string; issuedAt: number } | undefined;

  const sign = () => {
    const issuedAt = clock.now();
    const value = signJwt(
      { alg: 'ES256', kid: options.keyId },
      { iss: options.teamId, iat: Math.floor(issuedAt / 1000) },
      options.signingKey,
    );
    token = { value, issuedAt };
    return value;
  };

  return {
    current() {
      if (token && clock.now() - token.issuedAt < APNS_TOKEN_REUSE_MS) return token.value;
      return sign();
    },
    renew(rejected) {
      if (token && token.value !== rejected) return token.value;
      return sign();
    },
  };
}
