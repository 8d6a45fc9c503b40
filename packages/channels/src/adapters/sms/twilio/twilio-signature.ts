import { createHmac, timingSafeEqual } from 'node:crypto';

/** Form parameters of a webhook; a name sent more than once carries all its values. */
export type TwilioParams = Record<string, string | readonly string[]>;

/** Each parameter as name + value, no separators; repeated names: values de-duplicated and sorted. */
function paramText(name: string, value: string | readonly string[]): string {
  if (typeof value === 'string') return name + value;
  return [...new Set(value)]
    .sort()
    .map((each) => name + each)
    .join('');
}

/**
 * The `X-Twilio-Signature` Twilio sends with a webhook: base64 HMAC-SHA1, keyed with the auth
 * token, of the full URL followed by every POST parameter sorted by name, each name directly
 * followed by its value. Exported so you can sign requests when testing your own endpoint.
 *
 * @example
 * ```ts
 * twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', {
 *   CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234',
 *   From: '+14158675309', To: '+18005551212',
 * }); // 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' (the example of Twilio's security docs)
 * ```
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  const data = Object.keys(params)
    .sort()
    .reduce((text, name) => text + paramText(name, params[name] as string | readonly string[]), url);
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * The URL as received, and with its port added or removed. Twilio signs the URL as it was
 * configured, and proxies add or drop the standard port on the way, so Twilio's own helper
 * libraries accept either form; so does this one.
 */
function urlVariants(url: string): string[] {
  const match = /^(https?):\/\/([^/?#]*@)?(\[[^\]]*\]|[^/?#:]*)(?::(\d+))?(.*)$/is.exec(url);
  if (!match) return [url];
  const [, scheme = '', userInfo = '', host = '', port, rest = ''] = match;
  const origin = `${scheme}://${userInfo}${host}`;
  if (port !== undefined) return [url, `${origin}${rest}`];
  return [url, `${origin}:${scheme.toLowerCase() === 'https' ? 443 : 80}${rest}`];
}

/** Compares two signatures in time that does not depend on where they differ. */
function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when `signature` is Twilio's signature of this URL and these parameters.
 *
 * @example
 * ```ts
 * verifyTwilioSignature(authToken, request.url, params, request.headers['x-twilio-signature'] ?? '');
 * ```
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  signature: string,
): boolean {
  // Every variant is computed and compared, so the time taken does not reveal which one matched.
  let valid = false;
  for (const variant of urlVariants(url)) {
    if (sameSignature(twilioSignature(authToken, variant, params), signature)) valid = true;
  }
  return valid;
}
