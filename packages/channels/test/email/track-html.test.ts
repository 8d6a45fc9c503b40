import { describe, expect, it } from 'vitest';
import { rewriteAnchorHrefs, trackHtml } from '../../src/adapters/email';
import { decodeAttribute } from '../../src/adapters/email/anchor-hrefs';
import type { TrackingLinks } from '../../src/links/tracking-links';

/** Readable stand-in links, so expectations show exactly what was rewritten. */
const links: TrackingLinks = {
  openPixel: (m, p) => `https://t.example/open/${m}/${p}`,
  click: (m, p, url) => `https://t.example/click/${m}/${p}?u=${encodeURIComponent(url)}`,
};
const click = (url: string) => `https://t.example/click/m1/p1?u=${encodeURIComponent(url)}`;
const PIXEL = '<img src="https://t.example/open/m1/p1" width="1" height="1" alt="" style="display:none">';

const track = (html: string, extra: Partial<Parameters<typeof trackHtml>[1]> = {}) =>
  trackHtml(html, { links, messageId: 'm1', profileId: 'p1', opens: false, ...extra });

/** Every href the rewrite saw, decoded. */
const seen = (html: string) => {
  const urls: string[] = [];
  rewriteAnchorHrefs(html, ({ href }) => {
    urls.push(href);
    return undefined;
  });
  return urls;
};

describe('rewriteAnchorHrefs: finding the links', () => {
  it.each([
    ['double quotes', '<a href="https://a.vn/x">x</a>', 'https://a.vn/x'],
    ['single quotes', "<a href='https://a.vn/x'>x</a>", 'https://a.vn/x'],
    ['no quotes', '<a href=https://a.vn/x>x</a>', 'https://a.vn/x'],
    ['upper case, spaces around =', '<A HREF = "https://a.vn/x">x</A>', 'https://a.vn/x'],
    ['attributes before it', '<a class="btn" target=_blank href="https://a.vn/x">x</a>', 'https://a.vn/x'],
    ['a line break inside the tag', '<a\n  class="btn"\n  href="https://a.vn/x"\n>x</a>', 'https://a.vn/x'],
    ['&amp; in the query', '<a href="https://a.vn/?a=1&amp;b=2">x</a>', 'https://a.vn/?a=1&b=2'],
    ['numeric references', '<a href="https://a.vn/?a=1&#38;b=2&#x26;c=3">x</a>', 'https://a.vn/?a=1&b=2&c=3'],
    ['whitespace around the URL', '<a href="  https://a.vn/x\n">x</a>', 'https://a.vn/x'],
    ['a > inside another attribute', '<a title="1 > 0" href="https://a.vn/x">x</a>', 'https://a.vn/x'],
  ])('reads an href with %s', (_, html, url) => {
    expect(seen(html)).toEqual([url]);
  });

  it.each([
    ['data-href', '<a data-href="https://a.vn/x">x</a>'],
    ['href inside another value', `<a title="href='https://a.vn/x'">x</a>`],
    ['<abbr> and <area>', '<abbr href="https://a.vn/x">x</abbr><area href="https://a.vn/y">'],
    ['an <a> without href', '<a name="top">x</a>'],
    ['plain text', 'see <https://a.vn/x> and a href="https://a.vn/y"'],
  ])('ignores %s', (_, html) => {
    expect(seen(html)).toEqual([]);
  });

  it('takes only the first of two hrefs, as browsers do', () => {
    expect(seen('<a href="https://a.vn/1" href="https://a.vn/2">x</a>')).toEqual(['https://a.vn/1']);
  });

  it('changes nothing but the href, byte for byte', () => {
    const html =
      "<!--[if mso]><p>Outlook</p><![endif]-->\n<a  class='b'  href='https://a.vn/x'  id=z>x</a>\t<b>é</b>";
    const out = rewriteAnchorHrefs(html, () => 'https://t.vn/?a=1&b="2"');
    expect(out).toBe(
      '<!--[if mso]><p>Outlook</p><![endif]-->\n<a  class=\'b\'  href="https://t.vn/?a=1&amp;b=&quot;2&quot;"  id=z>x</a>\t<b>é</b>',
    );
  });

  it('decodes only the references a URL may hold', () => {
    expect(decodeAttribute('a&amp;b&lt;c&gt;d&quot;e&apos;f&#233;&#xE9;&nbsp;&copy;&#0;')).toBe(
      'a&b<c>d"e\'féé&nbsp;&copy;&#0;',
    );
  });
});

describe('trackHtml', () => {
  it('sends http and https links through the click redirect, with the decoded URL', () => {
    const html = '<a href="https://shop.vn/sale?a=1&amp;b=2">Sale</a> <a href="HTTP://shop.vn/new">New</a>';
    expect(track(html)).toBe(
      `<a href="${click('https://shop.vn/sale?a=1&b=2')}">Sale</a> <a href="${click('HTTP://shop.vn/new')}">New</a>`,
    );
  });

  it.each([
    ['mailto', '<a href="mailto:help@shop.vn">x</a>'],
    ['tel', '<a href="tel:+84912345678">x</a>'],
    ['an anchor', '<a href="#top">x</a>'],
    ['a relative link', '<a href="/sale">x</a>'],
    ['a template placeholder', '<a href="{{ url }}">x</a>'],
    ['a link marked data-cx-notrack', '<a data-cx-notrack href="https://shop.vn/x">x</a>'],
  ])('leaves %s alone', (_, html) => {
    expect(track(html)).toBe(html);
  });

  it('never rewrites the unsubscribe or preference links, however the HTML encodes them', () => {
    const unsubscribe = 'https://cx.example/u/tok?list=promo&v=1';
    const preferences = 'https://cx.example/p/tok';
    const html = `<a href="https://cx.example/u/tok?list=promo&amp;v=1">Unsubscribe</a><a href='${preferences}'>Preferences</a>`;
    expect(track(html, { keep: [unsubscribe, preferences, undefined] })).toBe(html);
  });

  it('puts the open pixel just before the last </body>', () => {
    expect(track('<html><body><p>Hi</p></BODY ></html>', { opens: true, clicks: false })).toBe(
      `<html><body><p>Hi</p>${PIXEL}</BODY ></html>`,
    );
  });

  it('appends the open pixel when there is no </body>', () => {
    expect(track('<p>Hi</p>', { opens: true })).toBe(`<p>Hi</p>${PIXEL}`);
  });

  it('does nothing with both kinds of tracking off', () => {
    const html = '<body><a href="https://shop.vn">x</a></body>';
    expect(track(html, { opens: false, clicks: false })).toBe(html);
  });
});
