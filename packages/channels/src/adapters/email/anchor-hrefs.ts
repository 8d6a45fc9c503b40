/**
 * Why regular expressions and not an HTML parser: email HTML is machine-written by templates and
 * only `<a href>` changes, everything else must come out byte for byte as it went in (Outlook's
 * conditional comments, VML, odd whitespace), which a parse-and-serialise round trip does not
 * promise. So the scan follows the HTML tokenizer's rules for the one thing it needs, start tags
 * and their attributes:
 * - a start tag ends at the first `>` outside a quoted attribute value, so `title="a > b"` does
 *   not end it early;
 * - attributes are read one by one, so an `href` inside another attribute's value
 *   (`data-x="href='…'"`) or `data-href` is never taken for the link;
 * - values may be double-quoted, single-quoted or bare; character references in them
 *   (`&amp;`, `&#38;`, `&#x26;`) are decoded before the URL is used and encoded again after;
 * - only the first `href` counts, as in browsers.
 * Links inside comments are rewritten too: Outlook's `<!--[if mso]>` blocks are live markup for
 * Outlook readers.
 */

/** `<a` followed by the tag's attributes (quoted values may hold `>`), then `>`. */
const ANCHOR_START_TAG = /<a(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>/gi;

/** One attribute: name, then optionally `=` and a double-quoted, single-quoted or bare value. */
const ATTRIBUTE = /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

const NAMED_REFERENCES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the character references that appear in URLs. Named ones other than the five above are
 * left as written: a URL has no reason to carry `&nbsp;`, and guessing wrongly would change it.
 *
 * @example
 * ```ts
 * decodeAttribute('https://shop.vn/?a=1&amp;b=2'); // 'https://shop.vn/?a=1&b=2'
 * ```
 */
export function decodeAttribute(value: string): string {
  return value.replace(
    /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos));/gi,
    (whole, dec, hex, named) => {
      if (named) return NAMED_REFERENCES[(named as string).toLowerCase()] ?? whole;
      const code = Number.parseInt((dec as string | undefined) ?? (hex as string), dec ? 10 : 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/**
 * Encodes a value for a double-quoted attribute.
 *
 * @example
 * ```ts
 * `<a href="${encodeAttribute('https://shop.vn/?a=1&b=2')}">`; // '<a href="https://shop.vn/?a=1&amp;b=2">'
 * ```
 */
export function encodeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * An `<a>` tag as the rewrite callback of {@link rewriteAnchorHrefs} sees it.
 *
 * @example
 * ```ts
 * // <a class="btn" href="https://shop.vn/?a=1&amp;b=2" data-cx-notrack>
 * const tag: AnchorTag = {
 *   href: 'https://shop.vn/?a=1&b=2',
 *   attributes: new Map([['class', 'btn'], ['href', 'https://shop.vn/?a=1&b=2'], ['data-cx-notrack', '']]),
 * };
 * ```
 */
export interface AnchorTag {
  /** The decoded `href`, with the surrounding whitespace browsers ignore removed. */
  href: string;
  /** Every attribute of the tag, names in lower case, values decoded (`''` for a bare name). */
  attributes: ReadonlyMap<string, string>;
}

/**
 * Calls `rewrite` for the `href` of every `<a>` tag in `html` and puts the URL it returns in its
 * place (as a double-quoted, encoded attribute); `undefined` leaves the tag exactly as it was.
 *
 * @example
 * ```ts
 * rewriteAnchorHrefs('<a href="https://x.vn/?a=1&amp;b=2">x</a>', ({ href }) => `https://t.vn/c?u=${encodeURIComponent(href)}`);
 * // '<a href="https://t.vn/c?u=https%3A%2F%2Fx.vn%2F%3Fa%3D1%26b%3D2">x</a>'
 * ```
 */
export function rewriteAnchorHrefs(html: string, rewrite: (tag: AnchorTag) => string | undefined): string {
  return html.replace(ANCHOR_START_TAG, (tag: string, attributeText: string) => {
    const attributes = new Map<string, string>();
    let href: { start: number; end: number; value: string } | undefined;
    const offset = 2; // attributeText starts right after `<a`
    for (const match of attributeText.matchAll(ATTRIBUTE)) {
      const name = (match[1] as string).toLowerCase();
      if (attributes.has(name)) continue;
      const value = decodeAttribute(match[2] ?? match[3] ?? match[4] ?? '');
      attributes.set(name, value);
      if (name === 'href') {
        const start = offset + (match.index ?? 0);
        href = { start, end: start + match[0].length, value };
      }
    }
    if (!href) return tag;
    // Browsers strip leading and trailing ASCII whitespace from URLs; so do we before looking at it.
    const url = rewrite({ href: href.value.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, ''), attributes });
    if (url === undefined) return tag;
    return `${tag.slice(0, href.start)}href="${encodeAttribute(url)}"${tag.slice(href.end)}`;
  });
}
