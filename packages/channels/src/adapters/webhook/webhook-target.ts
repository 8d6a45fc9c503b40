import { RecipientUnreachableError } from '../../errors/delivery-errors';

/** Whether `host` is one of `allowed` (`example.com`) or under a wildcard (`*.example.com`). */
function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) =>
    entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry,
  );
}

/**
 * The endpoint a message goes to: its own `to.url` when it has one, else the adapter's `url`. A
 * `to.url` that is not http(s), or whose host is not in `allowedHosts`, cannot be delivered to on
 * this channel: a `RecipientUnreachableError` (`invalid-address`), so the fallback channel takes
 * over and nothing is sent to an address a profile trait made up.
 */
export function webhookTarget(
  adapter: string,
  recipientUrl: string | undefined,
  defaultUrl: string | undefined,
  allowedHosts: readonly string[] | undefined,
): string {
  if (recipientUrl === undefined) return defaultUrl as string;
  const url = new URL(recipientUrl);
  const refuse = (why: string) =>
    new RecipientUnreachableError({ adapter, message: `to.url ${why}`, reason: 'invalid-address' });
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw refuse(`must be http(s), not ${url.protocol}`);
  if (allowedHosts && !hostAllowed(url.hostname.toLowerCase(), allowedHosts)) {
    throw refuse(`points at ${url.hostname}, which is not in allowedHosts`);
  }
  return url.href;
}
