import type { TrackingLinks } from '../../links/tracking-links';
import { encodeAttribute, rewriteAnchorHrefs } from './anchor-hrefs';

/**
 * Options of {@link trackHtml}.
 *
 * @example
 * ```ts
 * const options: TrackHtmlOptions = {
 *   links, messageId: message.id, profileId: message.to.profileId,
 *   keep: [message.links?.unsubscribe, message.links?.preferences],
 * };
 * ```
 */
export interface TrackHtmlOptions {
  links: TrackingLinks;
  /** cx message id, carried in every tracking token. */
  messageId: string;
  /** The recipient's profile id, carried in every tracking token. */
  profileId: string;
  /** Append the open pixel; default `true`. */
  opens?: boolean;
  /** Send http(s) links through the click redirect; default `true`. */
  clicks?: boolean;
  /**
   * URLs left untouched: the unsubscribe and preference links. They carry their own signed token,
   * and a redirect in front of them would break one-click unsubscribe and record a "click" on it.
   */
  keep?: readonly (string | undefined)[];
}

/**
 * Attribute that opts one link out of click tracking.
 *
 * @example
 * ```ts
 * const html = `<a href="https://shop.vn/account" ${NO_TRACK_ATTRIBUTE}>Tài khoản</a>`; // left as written
 * ```
 */
export const NO_TRACK_ATTRIBUTE = 'data-cx-notrack';

const sameUrl = (url: string) => {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
};

/** The 1×1 image that records `opened` when a mail client loads it. */
const openPixel = (src: string) =>
  `<img src="${encodeAttribute(src)}" width="1" height="1" alt="" style="display:none">`;

/**
 * Adds open and click tracking to the HTML part of an email: every `<a href>` whose URL is http(s)
 * goes through `links.click(messageId, profileId, url)` (except the `keep` links and those marked
 * `data-cx-notrack`), and the open pixel is put just before `</body>`, or at the end when there is
 * none. `mailto:`, `tel:`, anchors and relative links are left alone. See `anchor-hrefs.ts` for how
 * the links are found.
 *
 * @example
 * ```ts
 * const links = trackingLinks('https://cx.example', createLinkSigner({ secret }));
 * trackHtml('<body><a href="https://shop.vn/sale">Sale</a></body>', { links, messageId: 'm1', profileId: 'p1' });
 * // '<body><a href="https://cx.example/v1/channels/click/…">Sale</a><img src="https://cx.example/v1/channels/open/…" …></body>'
 * ```
 */
export function trackHtml(html: string, options: TrackHtmlOptions): string {
  const { links, messageId, profileId } = options;
  const keep = new Set(options.keep?.filter((url) => url !== undefined).map(sameUrl));
  let out = html;
  if (options.clicks !== false) {
    out = rewriteAnchorHrefs(out, ({ href, attributes }) => {
      if (!/^https?:\/\//i.test(href) || attributes.has(NO_TRACK_ATTRIBUTE) || keep.has(sameUrl(href))) {
        return undefined;
      }
      return links.click(messageId, profileId, href);
    });
  }
  if (options.opens !== false) {
    const pixel = openPixel(links.openPixel(messageId, profileId));
    const bodyEnd = [...out.matchAll(/<\/body\s*>/gi)].pop();
    out =
      bodyEnd?.index === undefined
        ? out + pixel
        : out.slice(0, bodyEnd.index) + pixel + out.slice(bodyEnd.index);
  }
  return out;
}
