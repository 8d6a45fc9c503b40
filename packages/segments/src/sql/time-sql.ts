import type { Sql, SqlBuilder } from './sql-dialect';

/*
 * `parseConditionTime` of @cx/core in SQL: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`,
 * years 0001–9999, days that exist, to epoch milliseconds, with the same integer arithmetic
 * (Hinnant's days_from_civil) rather than the engines' own date parsing: SQLite's rolls
 * 2026-02-30 over into March, PostgreSQL's raises an error on it and accepts forms JavaScript
 * does not. Every cast is guarded by a shape check, so a bad string is NULL, never an error.
 */

const DIGITS_DATE = '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]';
const DIGITS_DATE_TIME = `${DIGITS_DATE}T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*`;
const ISO_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$';

/** Passes `body` the epoch milliseconds of the time string `value` (an integer), or NULL when it is not one. */
export function isoTimeMs(b: SqlBuilder, value: Sql, body: (ms: Sql) => Sql): Sql {
  return b.bind([value], ([text]) => {
    const s = text as Sql;
    const end = (back: number) => `length(${s}) - ${back}`;
    // Length of the zone suffix: 1 for Z, 6 for ±HH:MM, 0 for none.
    const zone = `CASE WHEN length(${s}) < 20 THEN 0 WHEN substr(${s}, length(${s}), 1) = 'Z' THEN 1 WHEN substr(${s}, ${end(5)}, 1) IN ('+', '-') AND ${b.only(`substr(${s}, ${end(4)}, 2)`, '0-9')} AND substr(${s}, ${end(2)}, 1) = ':' AND ${b.only(`substr(${s}, ${end(1)}, 2)`, '0-9')} THEN 6 ELSE 0 END`;
    return b.bind([s, zone], ([s2, z2]) => {
      const fractionLength = `length(${s2}) - 20 - ${z2}`;
      const shape = b.postgres
        ? `(${s2} ~ '${ISO_PATTERN}')`
        : `((length(${s2}) = 10 AND ${s2} GLOB '${DIGITS_DATE}') OR (${z2} > 0 AND ${s2} GLOB '${DIGITS_DATE_TIME}' AND (length(${s2}) = 19 + ${z2} OR (length(${s2}) > 20 + ${z2} AND substr(${s2}, 20, 1) = '.' AND ${b.only(`substr(${s2}, 21, ${fractionLength})`, '0-9')}))))`;
      return b.bind([s2 as Sql, z2 as Sql, shape], ([s3, z3, ok]) =>
        timeParts(b, s3 as Sql, z3 as Sql, ok as Sql, body),
      );
    });
  });
}

function timeParts(b: SqlBuilder, t: Sql, z: Sql, shape: Sql, body: (ms: Sql) => Sql): Sql {
  const fractionLength = `length(${t}) - 20 - ${z}`;
  const int = (start: Sql, length: number) => b.castInt(`substr(${t}, ${start}, ${length})`);
  const ifTime = (sql: Sql) => `CASE WHEN ${shape} AND length(${t}) > 10 THEN ${sql} ELSE 0 END`;
  const ifDate = (sql: Sql) => `CASE WHEN ${shape} THEN ${sql} END`;
  const fraction = `CASE WHEN length(${t}) > 20 + ${z} THEN substr(${t}, 21, ${fractionLength}) ELSE '' END`;
  return b.bind(
    [
      ifDate(int('1', 4)),
      ifDate(int('6', 2)),
      ifDate(int('9', 2)),
      ifTime(int('12', 2)),
      ifTime(int('15', 2)),
      ifTime(int('18', 2)),
      // Milliseconds: the first three digits of the fraction; later ones are cut off.
      ifTime(b.castInt(`substr(${fraction} || '00', 1, 3)`)),
      `CASE WHEN ${z} = 6 AND substr(${t}, length(${t}) - 5, 1) = '-' THEN -1 WHEN ${z} = 6 THEN 1 ELSE 0 END`,
      `CASE WHEN ${shape} AND ${z} = 6 THEN ${int(`length(${t}) - 4`, 2)} ELSE 0 END`,
      `CASE WHEN ${shape} AND ${z} = 6 THEN ${int(`length(${t}) - 1`, 2)} ELSE 0 END`,
    ],
    ([y, mo, d, h, mi, se, ms, offsetSign, offsetHour, offsetMinute]) => {
      const leap = `((${y} % 4 = 0 AND ${y} % 100 <> 0) OR ${y} % 400 = 0)`;
      const monthDays = `CASE WHEN ${mo} = 2 THEN CASE WHEN ${leap} THEN 29 ELSE 28 END WHEN ${mo} IN (4, 6, 9, 11) THEN 30 ELSE 31 END`;
      const valid = `(${y} >= 1 AND ${mo} BETWEEN 1 AND 12 AND ${d} >= 1 AND ${d} <= ${monthDays} AND ${h} <= 23 AND ${mi} <= 59 AND ${se} <= 59 AND ${offsetHour} <= 23 AND ${offsetMinute} <= 59)`;
      return b.bind(
        [`CASE WHEN ${valid} THEN ${y} - CASE WHEN ${mo} <= 2 THEN 1 ELSE 0 END END`],
        ([shiftedYear]) => {
          const yy = shiftedYear as Sql;
          const era = `(${yy} / 400)`;
          const yearOfEra = `(${yy} - ${era} * 400)`;
          const dayOfYear = `((153 * (CASE WHEN ${mo} > 2 THEN ${mo} - 3 ELSE ${mo} + 9 END) + 2) / 5 + ${d} - 1)`;
          const dayOfEra = `(${yearOfEra} * 365 + ${yearOfEra} / 4 - ${yearOfEra} / 100 + ${dayOfYear})`;
          const days = `(${era} * 146097 + ${dayOfEra} - 719468)`;
          const total = `${days} * 86400000 + ${h} * 3600000 + ${mi} * 60000 + ${se} * 1000 + ${ms} - ${offsetSign} * (${offsetHour} * 60 + ${offsetMinute}) * 60000`;
          return b.bind([`CASE WHEN ${yy} IS NOT NULL THEN ${total} END`], ([result]) => body(result as Sql));
        },
      );
    },
  );
}
