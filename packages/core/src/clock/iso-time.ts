const MS_PER_DAY = 86_400_000;
let cachedDay = Number.NaN;
let cachedPrefix = '';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/**
 * `new Date(ms).toISOString()`, without a Date for each call: the date part is cached per day,
 * and the time of day is formatted by arithmetic. Hot paths that print many times of the same
 * day (queue items, stored events) spend a fraction of the time.
 */
export function isoTime(ms: number): string {
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== cachedDay) {
    const full = new Date(ms).toISOString();
    // Outside years 0000-9999 the format changes (±YYYYYY): leave those to Date.
    if (full.length !== 24) return full;
    cachedDay = day;
    cachedPrefix = full.slice(0, 11);
  }
  let rest = ms - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${cachedPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
}
