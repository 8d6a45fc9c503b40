import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '@cx/core';
import { WebhookSignatureError } from '../../errors/delivery-errors';

/** The header that carries a cx webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Cx-Signature';

/** One secret, or several during a rotation (every one of them verifies; every one of them signs). */
export type WebhookSecret = string | readonly string[];

/** Options of {@link verifyWebhookSignature}. */
export interface VerifyWebhookSignatureOptions {
  /** The shared secret, or several while rotating: a signature made with any of them holds. */
  secret: WebhookSecret;
  /** The `X-Cx-Signature` header as received (`undefined` when it was missing). */
  header: string | null | undefined;
  /** The raw body, exactly as received: re-serialised JSON would not match. */
  body: string | Uint8Array;
  /** How far the signed time may be from `now`, either way, in seconds; default 300. */
  toleranceSeconds?: number;
  /** The current time in ms since the epoch (`clock.now()`); defaults to `Date.now()`. */
  now?: number;
}

/** What a signature that holds tells about the request. */
export interface VerifiedWebhookSignature {
  /** The signed time, in unix seconds. */
  timestamp: number;
  /**
   * The index in `secret` of the secret that matched; a rotation is complete once no request
   * matches an old one any more.
   */
  secretIndex: number;
}

const MAX_HEADER_LENGTH = 2048;
const MAX_SIGNATURES = 8;
const ADAPTER = 'webhook';

/** The secrets as a list, each at least 32 characters: a short secret is a setup mistake. */
export function webhookSecrets(secret: WebhookSecret): string[] {
  const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : [];
  if (secrets.length === 0 || secrets.some((each) => typeof each !== 'string' || each.length < 32)) {
    throw new ConfigError('webhook: every secret must be a string of at least 32 characters');
  }
  return secrets;
}

const mac = (secret: string, t: number, body: string | Uint8Array): Buffer =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest();

/**
 * The `X-Cx-Signature` header value for `body` signed at `t`: `t=<t>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>">`. With several secrets, one `v1` per secret, so receivers holding either the old
 * or the new secret accept the request while they move over.
 *
 * @param t The signing time in unix seconds (`Math.floor(clock.now() / 1000)`).
 *
 * @example
 * ```ts
 * import { signWebhookBody } from '@cx/channels/webhook';
 * const body = JSON.stringify({ id: 'msg-1', status: 'delivered', at: new Date().toISOString() });
 * const header = signWebhookBody(process.env.CX_WEBHOOK_SECRET!, body, Math.floor(Date.now() / 1000));
 * await fetch('https://cx.example.com/webhooks/delivery', {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json', 'x-cx-signature': header },
 *   body,
 * });
 * ```
 */
export function signWebhookBody(secret: WebhookSecret, body: string | Uint8Array, t: number): string {
  if (!Number.isSafeInteger(t) || t < 0) {
    throw new ConfigError(`webhook: the signing time must be whole unix seconds, got ${String(t)}`);
  }
  const signatures = webhookSecrets(secret).map((each) => `v1=${mac(each, t, body).toString('hex')}`);
  return [`t=${t}`, ...signatures].join(',');
}

/** The header's timestamp and `v1` signatures; anything else in it is a malformed header. */
function parseHeader(header: string | null | undefined): { t: number; signatures: Buffer[] } {
  if (typeof header !== 'string' || header.length === 0) {
    throw new WebhookSignatureError(ADAPTER, `the ${WEBHOOK_SIGNATURE_HEADER} header is missing`);
  }
  if (header.length > MAX_HEADER_LENGTH) {
    throw new WebhookSignatureError(ADAPTER, `the ${WEBHOOK_SIGNATURE_HEADER} header is too long`);
  }
  let t: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value, extra] = part.trim().split('=');
    if (
      key === 't' &&
      extra === undefined &&
      value !== undefined &&
      /^\d{1,12}$/.test(value) &&
      t === undefined
    ) {
      t = Number(value);
    } else if (key === 'v1' && extra === undefined && value !== undefined && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(Buffer.from(value, 'hex'));
    } else if (key === 't' || key === 'v1') {
      // A bad `t` or `v1` is an error, not something to skip: skipping could let a second,
      // attacker-chosen value stand in for it.
      throw new WebhookSignatureError(ADAPTER, `the ${WEBHOOK_SIGNATURE_HEADER} header is malformed`);
    }
    // Other schemes (`v0=`, a future `v2=`) are ignored, so senders can add one without breaking us.
  }
  if (t === undefined || signatures.length === 0 || signatures.length > MAX_SIGNATURES) {
    throw new WebhookSignatureError(ADAPTER, `the ${WEBHOOK_SIGNATURE_HEADER} header is malformed`);
  }
  return { t, signatures };
}

/**
 * Checks a cx webhook signature: the header is well formed, its time is within
 * `toleranceSeconds` of now (an old request replayed is refused) and one of its `v1` signatures
 * is the HMAC-SHA256 of `"<t>.<body>"` under one of the secrets, compared in constant time.
 * Throws `WebhookSignatureError` (code `UNAUTHORIZED`) otherwise; a secret shorter than 32
 * characters is a `ConfigError`.
 *
 * For receivers of cx's webhooks, and for cx's own inbound delivery webhooks.
 *
 * @example
 * ```ts
 * import { verifyWebhookSignature } from '@cx/channels/webhook';
 * import { createServer } from 'node:http';
 *
 * createServer(async (req, res) => {
 *   let body = '';
 *   for await (const chunk of req) body += chunk;
 *   try {
 *     verifyWebhookSignature({
 *       secret: [process.env.CX_WEBHOOK_SECRET!, process.env.CX_WEBHOOK_SECRET_OLD!],
 *       header: req.headers['x-cx-signature'] as string | undefined,
 *       body,
 *     });
 *   } catch {
 *     res.writeHead(401).end();
 *     return;
 *   }
 *   res.writeHead(200).end(); // then dedupe by the Idempotency-Key header and handle the body
 * }).listen(8080);
 * ```
 */
export function verifyWebhookSignature(options: VerifyWebhookSignatureOptions): VerifiedWebhookSignature {
  const secrets = webhookSecrets(options.secret);
  const tolerance = options.toleranceSeconds ?? 300;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new ConfigError(`webhook: toleranceSeconds must be >= 0, got ${String(tolerance)}`);
  }
  if (typeof options.body !== 'string' && !(options.body instanceof Uint8Array)) {
    throw new WebhookSignatureError(ADAPTER, 'the body must be the raw text or bytes as received');
  }
  const { t, signatures } = parseHeader(options.header);
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (Math.abs(nowSeconds - t) > tolerance) {
    throw new WebhookSignatureError(ADAPTER, `the signed time ${t} is outside the ${tolerance}s tolerance`);
  }
  // Every secret is tried against every signature, with no early exit, so the time taken does not
  // say which one came close.
  let secretIndex = -1;
  secrets.forEach((secret, index) => {
    const expected = mac(secret, t, options.body);
    for (const given of signatures) {
      if (timingSafeEqual(given, expected) && secretIndex === -1) secretIndex = index;
    }
  });
  if (secretIndex === -1) throw new WebhookSignatureError(ADAPTER, 'the signature does not match');
  return { timestamp: t, secretIndex };
}
