import { ValidationError } from '@cx/core';
import type { MessageCategory } from '../../contract/channel-kind';
import type { MessageLinks } from '../../contract/outbound-message';

/**
 * The `List-Unsubscribe` headers of one email; empty when the message carries no unsubscribe link.
 *
 * @example
 * ```ts
 * const headers: UnsubscribeHeaders = {
 *   'List-Unsubscribe': '<https://cx.example/u/tok>, <mailto:unsubscribe@shop.vn>',
 *   'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
 * };
 * ```
 */
export interface UnsubscribeHeaders {
  /** `<https://…>, <mailto:…>`: where mail clients send the person who clicks "unsubscribe". */
  'List-Unsubscribe'?: string;
  /** `List-Unsubscribe=One-Click` (RFC 8058): the https URL unsubscribes on a bare POST. */
  'List-Unsubscribe-Post'?: string;
}

const refuse = (adapter: string, path: string, message: string): never => {
  throw new ValidationError(`${adapter} message: ${path}: ${message}`, [{ path, message, code: 'custom' }]);
};

/** The link as the WHATWG URL parser writes it: no spaces, angle brackets or line breaks survive. */
function normalisedUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/**
 * Builds `List-Unsubscribe` and `List-Unsubscribe-Post` for a message. Marketing email must offer
 * one-click unsubscribe over https (RFC 8058): Gmail and Yahoo require it of bulk senders since
 * 2024 and send mail without it to spam, so a marketing message lacking an https
 * `links.unsubscribe` is refused with a `ValidationError` on `links.unsubscribe`. Transactional
 * email gets the headers only when it carries a link. Links go in as the URL parser normalises them,
 * and a `mailto:` with spaces, angle brackets or control characters is refused, so no link can
 * break out of its header.
 *
 * @example
 * ```ts
 * unsubscribeHeaders('smtp', 'marketing', { unsubscribe: 'https://cx.example/u/tok' });
 * // { 'List-Unsubscribe': '<https://cx.example/u/tok>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }
 * ```
 */
export function unsubscribeHeaders(
  adapter: string,
  category: MessageCategory,
  links: MessageLinks = {},
): UnsubscribeHeaders {
  const url = links.unsubscribe === undefined ? undefined : normalisedUrl(links.unsubscribe);
  if (links.unsubscribe !== undefined && (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))) {
    refuse(adapter, 'links.unsubscribe', 'must be an http(s) URL');
  }
  const oneClick = url?.protocol === 'https:';
  if (category === 'marketing' && !oneClick) {
    refuse(
      adapter,
      'links.unsubscribe',
      'marketing email needs an https one-click unsubscribe link (RFC 8058; Gmail and Yahoo bulk-sender rules)',
    );
  }
  const mailto = links.unsubscribeMailto;
  if (mailto !== undefined && !/^mailto:[^\s<>\p{Cc}]+$/u.test(mailto)) {
    refuse(adapter, 'links.unsubscribeMailto', 'must be a mailto: URL without spaces or angle brackets');
  }
  const entries = [url?.href, mailto].filter((entry) => entry !== undefined).map((entry) => `<${entry}>`);
  if (entries.length === 0) return {};
  return {
    'List-Unsubscribe': entries.join(', '),
    // RFC 8058 one-click is defined for an https URI only; a plain http link gets no POST promise.
    ...(oneClick ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {}),
  };
}
