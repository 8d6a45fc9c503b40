import { describe, expect, it } from 'vitest';
import {
  civilFromDays,
  DAY_MS,
  daysFromCivil,
  formatWall,
  HOUR_MS,
  isTimeZone,
  localZone,
  weekdayOfDay,
} from '../../src/pressure/local-time';

const at = (iso: string) => Date.parse(iso);
const wall = (iso: string) => Date.parse(`${iso}Z`); // a local wall time, read as if UTC

describe('calendar arithmetic', () => {
  it('converts day numbers both ways and knows the weekday', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2026, 12, 7)).toBe(Date.UTC(2026, 11, 7) / DAY_MS);
    expect(civilFromDays(Date.UTC(2028, 1, 29) / DAY_MS)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(civilFromDays(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(weekdayOfDay(daysFromCivil(2026, 12, 7))).toBe(1); // Monday
    expect(weekdayOfDay(-1)).toBe(3); // 1969-12-31, a Wednesday
    expect(formatWall(wall('2026-12-07T00:00:00'))).toBe('2026-12-07 00:00');
  });

  it('round-trips every day across four centuries', () => {
    const wrong: number[] = [];
    for (let day = daysFromCivil(1900, 1, 1); day < daysFromCivil(2300, 1, 1); day++) {
      const { year, month, day: date } = civilFromDays(day);
      if (daysFromCivil(year, month, date) !== day || Date.UTC(year, month - 1, date) !== day * DAY_MS)
        wrong.push(day);
    }
    expect(wrong).toEqual([]);
  });
});

describe('LocalZone', () => {
  it('knows real zones and rejects unknown ones', () => {
    expect(isTimeZone('Asia/Ho_Chi_Minh')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(localZone('Asia/Ho_Chi_Minh')).toBe(localZone('Asia/Ho_Chi_Minh'));
  });

  it('finds offsets, including on each side of a DST change', () => {
    const hcm = localZone('Asia/Ho_Chi_Minh')!;
    const ny = localZone('America/New_York')!;
    expect(hcm.offsetAt(at('2026-12-02T14:00:00Z'))).toBe(7 * HOUR_MS);
    expect(ny.offsetAt(at('2026-03-08T06:59:59Z'))).toBe(-5 * HOUR_MS);
    expect(ny.offsetAt(at('2026-03-08T07:00:00Z'))).toBe(-4 * HOUR_MS);
    expect(ny.offsetAt(at('2026-11-01T05:59:59Z'))).toBe(-4 * HOUR_MS);
    expect(ny.offsetAt(at('2026-11-01T06:00:00Z'))).toBe(-5 * HOUR_MS);
  });

  it('finds the exact change inside an hour that is not aligned to UTC hours (Lord Howe, +10:30/+11)', () => {
    // Lord Howe Island springs forward 30 minutes at 02:00 local (+10:30), which is 15:30 UTC.
    const lordHowe = localZone('Australia/Lord_Howe')!;
    expect(lordHowe.offsetAt(at('2026-10-03T15:29:59Z'))).toBe(10.5 * HOUR_MS);
    expect(lordHowe.offsetAt(at('2026-10-03T15:30:00Z'))).toBe(11 * HOUR_MS);
    expect(lordHowe.offsetAt(at('2026-10-03T15:10:00Z'))).toBe(10.5 * HOUR_MS);
    expect(lordHowe.offsetAt(at('2026-10-03T15:50:00Z'))).toBe(11 * HOUR_MS);
  });

  it('moves a wall time in the spring-forward gap forward, and takes the first of a repeated one', () => {
    const ny = localZone('America/New_York')!;
    expect(ny.toInstant(wall('2026-03-08T02:30:00'))).toBe(at('2026-03-08T07:30:00Z')); // 03:30 EDT
    expect(ny.toInstant(wall('2026-03-08T08:00:00'))).toBe(at('2026-03-08T12:00:00Z'));
    expect(ny.toInstant(wall('2026-11-01T01:30:00'))).toBe(at('2026-11-01T05:30:00Z')); // 01:30 EDT
    expect(ny.toInstant(wall('2026-11-01T01:30:00'), 'later')).toBe(at('2026-11-01T06:30:00Z')); // EST
    expect(ny.toInstantAfter(wall('2026-11-01T01:30:00'), at('2026-11-01T06:00:00Z'))).toBe(
      at('2026-11-01T06:30:00Z'),
    );
  });

  it('gives local days and weeks as exact instants, 23 and 25 hours long at DST changes', () => {
    const ny = localZone('America/New_York')!;
    const spring = ny.day(at('2026-03-08T15:00:00Z'));
    expect(spring.start).toBe(at('2026-03-08T05:00:00Z'));
    expect(spring.end - spring.start).toBe(23 * HOUR_MS);
    const fall = ny.day(at('2026-11-01T15:00:00Z'));
    expect(fall.end - fall.start).toBe(25 * HOUR_MS);

    const hcm = localZone('Asia/Ho_Chi_Minh')!;
    const sunday = at('2026-12-06T05:00:00Z'); // Sunday 12:00 local
    expect(hcm.week(sunday, 1).start).toBe(at('2026-11-29T17:00:00Z')); // Monday 30 Nov 00:00 local
    expect(hcm.week(sunday, 0).start).toBe(at('2026-12-05T17:00:00Z')); // Sunday 6 Dec 00:00 local
    expect(hcm.week(sunday, 0).end).toBe(at('2026-12-12T17:00:00Z'));
  });

  it('starts a day whose midnight is skipped at the jump (America/Santiago)', () => {
    // Chile springs forward at 24:00 local: 2026-09-06 00:00 does not exist and the day starts at 01:00.
    const santiago = localZone('America/Santiago')!;
    const day = santiago.day(at('2026-09-06T15:00:00Z'));
    expect(formatWall(santiago.wallAt(day.start))).toBe('2026-09-06 01:00');
    expect(day.end - day.start).toBe(23 * HOUR_MS);
  });

  it('prints local ISO 8601 with the offset', () => {
    expect(localZone('Asia/Ho_Chi_Minh')!.isoLocal(at('2026-11-29T17:00:00Z'))).toBe(
      '2026-11-30T00:00:00+07:00',
    );
    expect(localZone('America/New_York')!.isoLocal(at('2026-11-01T06:30:00Z'))).toBe(
      '2026-11-01T01:30:00-05:00',
    );
  });
});
