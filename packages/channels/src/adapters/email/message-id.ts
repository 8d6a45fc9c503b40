/** RFC 5322 `atext`: what may stand in the left part of a Message-ID without quoting. */
const ATEXT = /[A-Za-z0-9!#$%&'*+\-/?^_`{|}~]/;

/**
 * The deterministic `Message-ID` of a cx message: `<id@domain>`. The same message id always gives
 * the same Message-ID, so a message sent twice (a retry after a lost SMTP reply) can be recognised
 * as one by the receiver. Characters a Message-ID may not carry (`:` and spaces are common in cx
 * ids) become `=XX` (their UTF-8 bytes in hex), and `=` itself becomes `=3D`, so two different ids
 * never share a Message-ID.
 *
 * @example
 * ```ts
 * emailMessageId('order-shipped:42', 'mail.shop.vn'); // '<order-shipped=3A42@mail.shop.vn>'
 * ```
 */
export function emailMessageId(id: string, domain: string): string {
  let left = '';
  for (const char of id) {
    // A dot is allowed only between atext runs (dot-atom-text): not first, last or doubled.
    const dotAllowed = char === '.' && left !== '' && !left.endsWith('.');
    if ((ATEXT.test(char) && char !== '=') || dotAllowed) {
      left += char;
    } else {
      for (const byte of Buffer.from(char, 'utf8'))
        left += `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  if (left.endsWith('.')) left = `${left.slice(0, -1)}=2E`;
  return `<${left}@${domain}>`;
}
