import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (secret: string, timestamp: string, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The `X-Cx-Signature` header a gateway sends with a delivery webhook:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + '.' + body)>`. The time is signed with the body,
 * so an old request cannot be replayed with a fresh `t`. Gateways implement this; cx uses it in tests.
 *
 * @example
 * ```ts
 * const body = JSON.stringify({ id: 'gw-1', status: 'delivered', at: new Date().toISOString() });
 * const header = signHttpSmsWebhook(secret, body, Math.floor(Date.now() / 1000));
 * // 't=1767225600,v1=5f0c…'
 * ```
 */
export function signHttpSmsWebhook(secret: string, body: string, unixSeconds: number): string {
  const t = String(Math.floor(unixSeconds));
  return `t=${t},v1=${mac(secret, t, body)}`;
}

/** What {@link checkHttpSmsSignature} found wrong, or `undefined` when the request holds. */
export type HttpSmsSignatureProblem = 'missing' | 'malformed' | 'mismatch' | 'expired';

/**
 * Checks an `X-Cx-Signature` header against the raw body: one of its `v1` values (several while a
 * gateway rotates secrets) must be the HMAC, compared in constant time, and `t` must be within
 * `toleranceSeconds` of `nowSeconds` either way.
 *
 * @example
 * ```ts
 * checkHttpSmsSignature(header, body, { secret, toleranceSeconds: 300, nowSeconds: Date.now() / 1000 }); // undefined
 * ```
 */
export function checkHttpSmsSignature(
  header: string | undefined,
  body: string,
  options: { secret: string; toleranceSeconds: number; nowSeconds: number },
): HttpSmsSignatureProblem | undefined {
  if (!header) return 'missing';
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, extra] = part.trim().split('=');
    if (value === undefined || extra !== undefined) return 'malformed';
    if (key === 't') timestamp = value;
    else if (key === 'v1') signatures.push(value);
  }
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return 'malformed';
  const expected = Buffer.from(mac(options.secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => {
    const given = /^[0-9a-f]+$/i.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return 'mismatch';
  if (Math.abs(options.nowSeconds - Number(timestamp)) > options.toleranceSeconds) return 'expired';
  return undefined;
}
