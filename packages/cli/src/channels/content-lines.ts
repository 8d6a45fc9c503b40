import type { MessageContent } from '@cx/channels';

/** The fields of rendered content, in the order a person reads them. */
const FIELDS = [
  'subject',
  'title',
  'text',
  'html',
  'url',
  'icon',
  'image',
  'templateId',
  'templateData',
  'data',
] as const satisfies readonly (keyof MessageContent)[];

/**
 * Rendered content as indented `field: value` lines; a value of several lines keeps its line
 * breaks under its field, and structured values are printed as JSON.
 *
 * @example
 * ```ts
 * contentLines({ subject: 'Chào An', text: 'Mã: TET' }, '  ');
 * // '  subject: Chào An\n  text: Mã: TET\n'
 * ```
 */
export function contentLines(content: MessageContent, indent: string): string {
  let out = '';
  for (const field of FIELDS) {
    const value = content[field];
    if (value === undefined) continue;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    const [first, ...rest] = shown.split('\n');
    out += `${indent}${field}: ${first}\n`;
    const pad = `${indent}${' '.repeat(field.length + 2)}`;
    for (const line of rest) out += `${pad}${line}\n`;
  }
  return out;
}
