import type { ChannelKind } from '@cx/channels';
import type { CollectorResponse } from '../http/collector-http';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and quoted attribute values. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => ENTITIES[char]!);

/**
 * The headers of every page: the pages load nothing from anywhere (no scripts, fonts or images),
 * post only to themselves, cannot be framed, and their URL (which holds the token) is never sent
 * on as a referrer or kept in a cache.
 */
const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1f2328;margin:0;padding:2rem 1rem}
main{max-width:34rem;margin:0 auto;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:1.5rem 2rem}
h1{font-size:1.35rem;margin:0 0 1rem}
fieldset{border:1px solid #d8dee4;border-radius:6px;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.35rem 0}
.hint{color:#59636e;font-size:.9rem;margin:.1rem 0 .4rem 1.6rem}
.note{background:#dafbe1;border-radius:6px;padding:.5rem .75rem}
button{font:inherit;background:#1f6feb;color:#fff;border:0;border-radius:6px;padding:.55rem 1.1rem;cursor:pointer}
a{color:#0969da}
`;

/** A whole page: UTF-8, no external assets. `body` must already be escaped HTML. */
export function htmlPage(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex, nofollow">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    `<body><main>${body}</main></body>`,
    '</html>',
  ].join('\n');
}

/** An HTML response with the page headers. */
export function htmlResponse(status: number, html: string): CollectorResponse {
  return { status, headers: { ...PAGE_HEADERS }, body: html };
}

const CHANNEL_NAMES: Record<ChannelKind, string> = {
  email: 'email',
  sms: 'text messages',
  zns: 'Zalo messages',
  'web-push': 'browser notifications',
  'mobile-push': 'app notifications',
  webhook: 'webhook messages',
  'in-app': 'in-app messages',
};

/** How a page names a channel: `email`, `text messages`, `browser notifications`. */
export const channelName = (channel: ChannelKind): string => CHANNEL_NAMES[channel] ?? channel;

/** What an unsubscribe link leaves, in words: `Weekly deals by email`, `marketing email`. */
export function unsubscribeScope(channel: ChannelKind, topicName?: string): string {
  return topicName === undefined
    ? `marketing ${channelName(channel)}`
    : `${topicName} by ${channelName(channel)}`;
}

const preferencesLink = (url: string | undefined, text: string) =>
  url === undefined ? '' : `<p><a href="${escapeHtml(url)}">${escapeHtml(text)}</a></p>`;

/**
 * The page a `GET` of an unsubscribe link shows. It changes nothing: mail scanners and link
 * previews fetch links, so only the button's `POST` (or the mail client's RFC 8058 one-click
 * `POST`, which sends the same field) unsubscribes.
 */
export function confirmUnsubscribePage(scope: string, preferencesUrl?: string): string {
  return htmlPage(
    'Unsubscribe',
    [
      '<h1>Unsubscribe?</h1>',
      `<p>You will no longer get ${escapeHtml(scope)}.</p>`,
      '<form method="post">',
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
      '<button type="submit">Unsubscribe</button>',
      '</form>',
      preferencesLink(preferencesUrl, 'Choose what you get instead'),
    ].join('\n'),
  );
}

/** The page after an unsubscribe. */
export function unsubscribedPage(scope: string, preferencesUrl?: string): string {
  return htmlPage(
    'You are unsubscribed',
    [
      '<h1>You are unsubscribed</h1>',
      `<p>You will no longer get ${escapeHtml(scope)}.</p>`,
      preferencesLink(preferencesUrl, 'Manage your preferences'),
    ].join('\n'),
  );
}

const ERROR_TEXT: Record<number, [string, string]> = {
  400: ['Something is wrong with this request', 'Please go back and try again.'],
  401: [
    'This link is not valid',
    'It may have been changed or copied incompletely. Open it again from the message you received.',
  ],
  404: ['This link is no longer valid', 'The page it pointed to does not exist any more.'],
};

/**
 * A small error page for people who opened a link in a browser. It never shows the error's
 * message: that is for developers (the JSON answer has it), and it could name internals.
 */
export function errorPage(status: number): string {
  const [title, text] = ERROR_TEXT[status] ?? [
    'Something went wrong',
    'We could not complete this. Please try again later.',
  ];
  return htmlPage(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(text)}</p>`);
}
