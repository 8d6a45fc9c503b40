// Mermaid reads `#name;` and `#code;` entities inside quoted labels; these are the characters
// that would otherwise end a label, start markup or be read as an entity.
const ENTITIES: Record<string, string> = {
  '#': '#35;',
  '"': '#quot;',
  '<': '#lt;',
  '>': '#gt;',
  '&': '#amp;',
  '|': '#124;',
  '`': '#96;',
  '[': '#91;',
  ']': '#93;',
  '{': '#123;',
  '}': '#125;',
};

/**
 * Text made safe for a quoted Mermaid label: the characters Mermaid gives a meaning replaced by
 * entities in one pass (so `#` in an entity is never escaped again), line breaks and tabs as spaces.
 *
 * @example
 * ```ts
 * mermaidText('Say "hi" <3'); // 'Say #quot;hi#quot; #lt;3'
 * ```
 */
export function mermaidText(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[#"<>&|`[\]{}]/g, (char) => ENTITIES[char]!);
}

/**
 * A share as a short percentage: one decimal, trailing `.0` dropped (`0.6` → `60%`, `1/3` → `33.3%`).
 *
 * @example
 * ```ts
 * percent(0.125); // '12.5%'
 * ```
 */
export function percent(share: number): string {
  return `${String(Math.round(share * 1000) / 10)}%`;
}
