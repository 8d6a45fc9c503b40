/**
 * Epoch ms of a stored event timestamp. Stored timestamps are always UTC ISO strings; the common
 * `YYYY-MM-DDTHH:MM:SS.sssZ` form is decoded by hand (days-from-civil, H. Hinnant), about four
 * times faster than `Date.parse`, which matters when a funnel streams ten million events. Any
 * other form falls back to `Date.parse`.
 */
export function parseTimestamp(s: string): number {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 || s.charCodeAt(10) !== 84) return Date.parse(s);
  const d = (i: number) => s.charCodeAt(i) - 48;
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  const hours = d(11) * 10 + d(12);
  const minutes = d(14) * 10 + d(15);
  const seconds = d(17) * 10 + d(18);
  const ms = d(20) * 100 + d(21) * 10 + d(22);
  return ((days * 24 + hours) * 60 + minutes) * 60_000 + seconds * 1000 + ms;
}
