import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The `X-ZEvent-Signature` Zalo sends with an Official Account webhook:
 * `mac=<hex SHA-256(appId + raw body + timestamp + OA secret key)>`, where `timestamp` is the
 * body's own `timestamp` field. A plain hash over a secret suffix, not an HMAC: that is Zalo's
 * scheme, and it is what Zalo sends. Exported so you can sign requests when testing your endpoint.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ app_id: appId, event_name: 'user_received_message', timestamp: '1767225600000' });
 * zaloEventSignature(appId, body, '1767225600000', oaSecretKey); // 'mac=3b1f…'
 * ```
 */
export function zaloEventSignature(
  appId: string,
  body: string,
  timestamp: string,
  oaSecretKey: string,
): string {
  return `mac=${createHash('sha256').update(`${appId}${body}${timestamp}${oaSecretKey}`, 'utf8').digest('hex')}`;
}

/**
 * True when `header` is Zalo's signature of this body, compared in constant time.
 *
 * @example
 * ```ts
 * verifyZaloEventSignature(request.headers['x-zevent-signature'], appId, request.body, timestamp, oaSecretKey);
 * ```
 */
export function verifyZaloEventSignature(
  header: string | undefined,
  appId: string,
  body: string,
  timestamp: string,
  oaSecretKey: string,
): boolean {
  const match = /^mac=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const given = Buffer.from((match[1] as string).toLowerCase(), 'hex');
  const expected = Buffer.from(zaloEventSignature(appId, body, timestamp, oaSecretKey).slice(4), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
