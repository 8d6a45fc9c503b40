/**
 * Turns a CSV cell into the JSON value it most plausibly is: `true`/`false` become booleans and
 * numbers that print back identically become numbers, so `19.99` is a number while `0901234567`
 * (a phone) and `01234` (a postcode) stay strings. Empty cells are `undefined` (left out).
 */
export function coerceCell(cell: string): string | number | boolean | undefined {
  const value = cell.trim();
  if (value === '') return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(value) && String(Number(value)) === value) return Number(value);
  return value;
}

/**
 * A timestamp cell as an ISO string: epoch seconds or milliseconds are converted; anything else
 * is passed on for the event schema to judge.
 */
export function timestampCell(cell: string): string | undefined {
  const value = cell.trim();
  if (value === '') return undefined;
  if (/^\d{10}$/.test(value)) return new Date(Number(value) * 1000).toISOString();
  if (/^\d{13}$/.test(value)) return new Date(Number(value)).toISOString();
  return value;
}
