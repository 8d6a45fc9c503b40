import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError, UnauthorizedError } from '@cx/core';

/** Signs and checks the tokens in cx's links (unsubscribe, preferences, tracking, inbox). */
export interface LinkSigner {
  /** A URL-safe token carrying `payload`, signed with HMAC-SHA256. */
  sign(payload: Record<string, unknown>): string;
  /** The payload of a token this signer made; throws `UnauthorizedError` for any other. */
  verify<T extends Record<string, unknown> = Record<string, unknown>>(token: string): T;
}

/** Options of {@link createLinkSigner}. */
export interface LinkSignerOptions {
  /** At least 32 characters of secret. Several secrets: the first signs, all verify (rotation). */
  secret: string | readonly string[];
}

const mac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest();

/**
 * Link tokens: `base64url(JSON payload)` + `.` + `base64url(HMAC-SHA256)`. Links in emails live for
 * years, so tokens carry no expiry of their own; rotating the secret (keep the old one second in
 * the list for a while) retires old links.
 *
 * @example
 * ```ts
 * const signer = createLinkSigner({ secret: process.env.CX_LINK_SECRET! });
 * const token = signer.sign({ p: 'profile-1', a: 'unsubscribe' });
 * signer.verify(token); // { p: 'profile-1', a: 'unsubscribe' }
 * ```
 */
export function createLinkSigner(options: LinkSignerOptions): LinkSigner {
  const secrets = typeof options.secret === 'string' ? [options.secret] : [...options.secret];
  if (secrets.length === 0 || secrets.some((secret) => typeof secret !== 'string' || secret.length < 32)) {
    throw new ConfigError('link signer: every secret must be a string of at least 32 characters');
  }
  const [signing] = secrets as [string, ...string[]];
  return {
    sign(payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
      return `${body}.${mac(signing, body).toString('base64url')}`;
    },
    verify<T>(token: string) {
      const [body, signature, extra] = typeof token === 'string' ? token.split('.') : [];
      if (!body || !signature || extra !== undefined) throw new UnauthorizedError('link token is malformed');
      const given = Buffer.from(signature, 'base64url');
      const valid = secrets.some((secret) => {
        const expected = mac(secret, body);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!valid) throw new UnauthorizedError('link token signature does not match');
      try {
        const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
        if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
          throw new Error('not an object');
        return payload as T;
      } catch (cause) {
        throw new UnauthorizedError('link token payload is not JSON', { cause });
      }
    },
  };
}
