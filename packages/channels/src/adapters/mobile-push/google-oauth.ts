import type { KeyObject } from 'node:crypto';
import { type Clock, systemClock } from '@cx/core';
import { ProviderRejectedError } from '../../errors/delivery-errors';
import { signJwt } from '../shared/jwt';
import { expectOk, providerFetch } from '../shared/provider-fetch';
import { GOOGLE_TOKEN_URI, type GoogleServiceAccount, serviceAccountKey } from './service-account';

/**
 * Options of {@link googleAccessTokens}.
 *
 * @example
 * ```ts
 * const options: GoogleAccessTokensOptions = { serviceAccount, scope: FCM_SCOPE, adapter: 'fcm' };
 * ```
 */
export interface GoogleAccessTokensOptions {
  serviceAccount: GoogleServiceAccount;
  /** The OAuth2 scope to ask for, such as `https://www.googleapis.com/auth/firebase.messaging`. */
  scope: string;
  /** The adapter the tokens are for, named in its errors. */
  adapter: string;
  /** Where time comes from; the system clock by default. */
  clock?: Clock;
  /** Gives up on the token endpoint after this many ms; default 15 000. */
  timeoutMs?: number;
}

/**
 * Access tokens of one service account, fetched when needed and kept until shortly before they expire.
 *
 * @example
 * ```ts
 * const token = await tokens.get();
 * // … the API answered 401:
 * tokens.invalidate(token);
 * ```
 */
export interface GoogleAccessTokens {
  /** A valid access token: the cached one, or a new one. Concurrent callers share one request. */
  get(): Promise<string>;
  /** Forgets `token` (the API answered 401 to it), so the next {@link get} fetches a new one. */
  invalidate(token: string): void;
}

/** Google's tokens last an hour; ask for a new one 5 minutes early so none expires mid-request. */
const RENEW_EARLY_S = 300;
const ASSERTION_LIFETIME_S = 3600;

/**
 * Service account OAuth2 (RFC 7523 JWT bearer grant) on node:crypto: an RS256 JWT assertion
 * (`iss` the account, `scope`, `aud` the token endpoint, an hour long) is traded at `token_uri` for
 * an access token, which is cached until 5 minutes before `expires_in`. A campaign of a million
 * sends makes one token request an hour.
 *
 * Errors: an unreachable or failing (5xx) token endpoint is a `ProviderUnavailableError`; refused
 * credentials (`invalid_grant`) a `ProviderRejectedError`.
 *
 * @example
 * ```ts
 * const tokens = googleAccessTokens({
 *   serviceAccount,
 *   scope: 'https://www.googleapis.com/auth/firebase.messaging',
 *   adapter: 'fcm',
 * });
 * const headers = { authorization: `Bearer ${await tokens.get()}` };
 * ```
 */
export function googleAccessTokens(options: GoogleAccessTokensOptions): GoogleAccessTokens {
  const { serviceAccount, scope, adapter } = options;
  const clock = options.clock ?? systemClock;
  const tokenUri = serviceAccount.token_uri ?? GOOGLE_TOKEN_URI;
  const key: KeyObject = serviceAccountKey(serviceAccount);
  let cached: { token: string; renewAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const iat = Math.floor(clock.now() / 1000);
    const assertion = signJwt(
      {
        alg: 'RS256',
        typ: 'JWT',
        ...(serviceAccount.private_key_id ? { kid: serviceAccount.private_key_id } : {}),
      },
      { iss: serviceAccount.client_email, scope, aud: tokenUri, iat, exp: iat + ASSERTION_LIFETIME_S },
      key,
    );
    const response = await providerFetch(tokenUri, {
      adapter,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion,
      }).toString(),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    await expectOk(adapter, response);
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
    };
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ProviderRejectedError({
        adapter,
        status: response.status,
        message: `the token endpoint ${tokenUri} answered without access_token and expires_in`,
      });
    }
    // A token shorter-lived than the margin is used for half its life instead.
    const lifetime =
      body.expires_in > 2 * RENEW_EARLY_S ? body.expires_in - RENEW_EARLY_S : body.expires_in / 2;
    cached = { token: body.access_token, renewAt: clock.now() + lifetime * 1000 };
    return body.access_token;
  }

  return {
    get() {
      if (cached && clock.now() < cached.renewAt) return Promise.resolve(cached.token);
      inflight ??= fetchToken().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}
