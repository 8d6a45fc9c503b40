import {
  type Bound,
  compareNumbers,
  type Decimal,
  integerRange,
  type NumberOp,
  realRange,
} from './double-bounds';
import { and, constant, FALSE, not, or, type Sql, type SqlBuilder, TRUE } from './sql-dialect';

/*
 * JavaScript's number coercions in SQL, exactly. GrowthBook semantics compare `value * 1 === n`
 * and `value < n`, so a numeric string, `null`, a boolean or a one-element array takes part in a
 * number comparison. A decimal text (a JSON number, or a string in JavaScript's numeric grammar)
 * is never parsed as a float here: it is normalized to sign, exponent and digits and compared
 * with the exact decimal rounding bounds of `n` (see double-bounds.ts), so the answer is the one
 * JavaScript's correctly rounded parse gives, whatever the SQL engine's float parser does.
 */

/** The characters `String.prototype.trim` (and so `Number("…")`) removes: WhiteSpace and LineTerminator. */
export const JS_WHITESPACE =
  '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';

/** A normalized decimal in SQL: sign (−1 or 1), exponent and digits of `0.digits × 10^exponent`; zero has no digits. */
interface DecimalRefs {
  valid: Sql;
  sign: Sql;
  exponent: Sql;
  digits: Sql;
}

/**
 * Normalizes a decimal text `[+-]digits[.digits][(e|E)[+-]digits]` (at least one mantissa digit)
 * and passes its parts to `body`; `valid` is FALSE for anything else. Exponents beyond 15 digits
 * are clamped to ±10^15, far past where every value rounds to 0 or Infinity.
 */
export function normalizeDecimal(b: SqlBuilder, text: Sql, body: (refs: DecimalRefs) => Sql): Sql {
  return b.bind(
    [
      `CASE WHEN substr(${text}, 1, 1) = '-' THEN -1 ELSE 1 END`,
      `CASE WHEN substr(${text}, 1, 1) IN ('+', '-') THEN substr(${text}, 2) ELSE ${text} END`,
    ],
    ([sign, unsigned]) => {
      const e = b.position(`replace(${unsigned}, 'E', 'e')`, `'e'`);
      return b.bind(
        [
          sign as Sql,
          `CASE WHEN ${e} = 0 THEN ${unsigned} ELSE substr(${unsigned}, 1, ${e} - 1) END`,
          `CASE WHEN ${e} = 0 THEN NULL ELSE substr(${unsigned}, ${e} + 1) END`,
        ],
        ([sign2, mantissa, exponentText]) => {
          const dot = b.position(mantissa as Sql, `'.'`);
          const exponentDigits = `CASE WHEN substr(${exponentText}, 1, 1) IN ('+', '-') THEN substr(${exponentText}, 2) ELSE ${exponentText} END`;
          return b.bind(
            [
              sign2 as Sql,
              `CASE WHEN ${dot} = 0 THEN ${mantissa} ELSE substr(${mantissa}, 1, ${dot} - 1) END`,
              `CASE WHEN ${dot} = 0 THEN '' ELSE substr(${mantissa}, ${dot} + 1) END`,
              `CASE WHEN substr(${exponentText}, 1, 1) = '-' THEN -1 ELSE 1 END`,
              exponentDigits,
              `(${exponentText} IS NULL OR ${b.only(exponentDigits, '0-9')})`,
            ],
            ([sign3, integer, fraction, exponentSign, digitsOfExponent, exponentValid]) => {
              const valid = and([
                exponentValid as Sql,
                b.only(integer as Sql, '0-9', true),
                b.only(fraction as Sql, '0-9', true),
                `(${integer} <> '' OR ${fraction} <> '')`,
              ]);
              const trimmedExponent = `ltrim(${digitsOfExponent}, '0')`;
              return b.bind(
                [
                  valid,
                  sign3 as Sql,
                  fraction as Sql,
                  `ltrim(${integer}, '0')`,
                  `ltrim(${fraction}, '0')`,
                  // Cast only digits: PostgreSQL would raise an error on anything else.
                  `CASE WHEN NOT ${valid} OR ${digitsOfExponent} IS NULL OR ${trimmedExponent} = '' THEN 0 WHEN length(${trimmedExponent}) > 15 THEN ${exponentSign} * 1000000000000000 ELSE ${exponentSign} * ${b.castInt(trimmedExponent)} END`,
                ],
                ([valid2, sign4, fraction2, integerTrimmed, fractionTrimmed, exponent]) =>
                  body({
                    valid: valid2 as Sql,
                    sign: sign4 as Sql,
                    exponent: `(CASE WHEN ${integerTrimmed} <> '' THEN length(${integerTrimmed}) + ${exponent} ELSE ${exponent} - (length(${fraction2}) - length(${fractionTrimmed})) END)`,
                    digits: `(CASE WHEN ${integerTrimmed} <> '' THEN rtrim(${integerTrimmed} || ${fraction2}, '0') ELSE rtrim(${fractionTrimmed}, '0') END)`,
                  }),
              );
            },
          );
        },
      );
    },
  );
}

/** `v > c`, `v < c` or `v = c` for a normalized decimal `v` and a constant `c`. */
function compareDecimal(b: SqlBuilder, v: DecimalRefs, relation: '>' | '<' | '=', c: Decimal): Sql {
  const { sign, exponent, digits } = v;
  const zero = `${digits} = ''`;
  if (c.sign === 0) {
    if (relation === '=') return `(${zero})`;
    return `(${digits} <> '' AND ${sign} = ${relation === '>' ? 1 : -1})`;
  }
  const e = b.int(c.exponent);
  const d = b.text(c.digits);
  const digitsCompare = (op: '>' | '<') => `${b.collate(digits)} ${op} ${d}`;
  if (relation === '=')
    return `(${digits} <> '' AND ${sign} = ${c.sign} AND ${exponent} = ${e} AND ${digits} = ${d})`;
  // Same sign: a larger magnitude is further from zero.
  const further = `(${exponent} > ${e} OR (${exponent} = ${e} AND ${digitsCompare('>')}))`;
  const nearer = `(${exponent} < ${e} OR (${exponent} = ${e} AND ${digitsCompare('<')}))`;
  const towards = (relation === '>') === c.sign > 0;
  // v beyond c on c's side of zero, or v on the other side (zero included).
  if (towards) return `(${digits} <> '' AND ${sign} = ${c.sign} AND ${further})`;
  return `(${zero} OR ${sign} = ${-c.sign} OR ${nearer})`;
}

function withinBound(b: SqlBuilder, v: DecimalRefs, bound: Bound<Decimal>, side: '>' | '<'): Sql {
  const beyond = compareDecimal(b, v, side, bound.value);
  return bound.inclusive ? or([beyond, compareDecimal(b, v, '=', bound.value)]) : beyond;
}

/** TRUE when the decimal `v`, read as JavaScript reads it (nearest double), satisfies `op n`. */
export function decimalSatisfies(b: SqlBuilder, v: DecimalRefs, op: NumberOp, n: number): Sql {
  const range = realRange(op, n);
  return and([
    range.lower ? withinBound(b, v, range.lower, '>') : TRUE,
    range.upper ? withinBound(b, v, range.upper, '<') : TRUE,
  ]);
}

/** TRUE when the decimal text (valid by construction, such as a JSON number) satisfies every `op n`. */
export function decimalTextSatisfies(b: SqlBuilder, text: Sql, tests: readonly [NumberOp, number][]): Sql {
  return normalizeDecimal(b, text, (v) => and(tests.map(([op, n]) => decimalSatisfies(b, v, op, n))));
}

/** `Number(string) op n`, with JavaScript's grammar: trimmed, empty is 0, Infinity, 0x/0o/0b integers, else NaN. */
export function stringNumberSatisfies(b: SqlBuilder, value: Sql, op: NumberOp, n: number): Sql {
  return b.bind([b.trim(value, b.text(JS_WHITESPACE))], ([trimmed]) => {
    const t = trimmed as Sql;
    const arms: [Sql, Sql][] = [
      [`${t} = ''`, constant(compareNumbers(0, op, n))],
      [`${t} IN ('Infinity', '+Infinity')`, constant(compareNumbers(Number.POSITIVE_INFINITY, op, n))],
      [`${t} = '-Infinity'`, constant(compareNumbers(Number.NEGATIVE_INFINITY, op, n))],
      [`substr(${t}, 1, 2) IN ('0x', '0X')`, radixSatisfies(b, `substr(${t}, 3)`, 16, op, n)],
      [`substr(${t}, 1, 2) IN ('0o', '0O')`, radixSatisfies(b, `substr(${t}, 3)`, 8, op, n)],
      [`substr(${t}, 1, 2) IN ('0b', '0B')`, radixSatisfies(b, `substr(${t}, 3)`, 2, op, n)],
    ];
    const decimal = normalizeDecimal(b, t, (v) => and([v.valid, decimalSatisfies(b, v, op, n)]));
    return `(CASE ${arms.map(([when, then]) => `WHEN ${when} THEN ${then}`).join(' ')} ELSE ${decimal} END)`;
  });
}

const RADIX_DIGITS: Record<number, string> = { 16: '0-9a-fA-F', 8: '0-7', 2: '01' };

/** An unsigned integer in base 2, 8 or 16 (digits only, after the prefix) compared as JavaScript would. */
function radixSatisfies(b: SqlBuilder, raw: Sql, radix: number, op: NumberOp, n: number): Sql {
  const range = integerRange(op, n);
  if (range === null) return FALSE;
  return b.bind([raw], ([digits]) => {
    const valid = b.only(digits as Sql, RADIX_DIGITS[radix] as string);
    // Without leading zeros and lower-cased, digit strings order like their values once lengths agree.
    return and([
      valid,
      b.bind([`ltrim(${b.lowerAscii(digits as Sql)}, '0')`], ([value]) => {
        const v = value as Sql;
        const parts: Sql[] = [];
        if (range.min > 0n) {
          const min = range.min.toString(radix);
          parts.push(
            `(length(${v}) > ${b.int(min.length)} OR (length(${v}) = ${b.int(min.length)} AND ${b.collate(v)} >= ${b.text(min)}))`,
          );
        }
        if (range.max !== undefined) {
          const max = range.max === 0n ? '' : range.max.toString(radix);
          parts.push(
            `(length(${v}) < ${b.int(max.length)} OR (length(${v}) = ${b.int(max.length)} AND ${b.collate(v)} <= ${b.text(max)}))`,
          );
        }
        return and(parts);
      }),
    ]);
  });
}

/**
 * The single-element-array reading JavaScript gives arrays in coercions: `[x] + ''` is `x + ''`,
 * `[[x]]` too, `[]` and `[null]` are `''`, and two or more elements put a comma in the text. For
 * an array `json`, `onEmpty` is used when the nesting ends in `[]`, `onLeaf(leaf, kind)` when it
 * ends in a non-array `leaf`, and FALSE for arrays with two or more elements anywhere.
 */
export function singletonChain(
  b: SqlBuilder,
  json: Sql,
  onEmpty: Sql,
  onLeaf: (leaf: Sql, kind: Sql) => Sql,
): Sql {
  return b.bind([b.jsonTextOf(json)], ([text]) => {
    const t = text as Sql;
    return b.bind([`length(${t}) - length(ltrim(${t}, '['))`], ([depth]) => {
      const d = depth as Sql;
      const empty = `(length(${t}) = 2 * ${d} AND rtrim(${t}, ']') = substr(${t}, 1, ${d}))`;
      const leaf = b.firstElements(json, d);
      return b.bind([leaf, b.jsonTextOf(leaf)], ([leafRef, leafText]) => {
        const l = leafText as Sql;
        // The text is exactly `[`×depth, the leaf's own text, `]`×depth: one element at every level.
        const chain = `(${leafRef} IS NOT NULL AND length(${t}) = 2 * ${d} + length(${l}) AND substr(${t}, ${d} + 1, length(${l})) = ${l} AND rtrim(substr(${t}, ${d} + length(${l}) + 1), ']') = '')`;
        const leafTest = onLeaf(leafRef as Sql, b.kind(leafRef as Sql));
        const arms: string[] = [];
        if (onEmpty !== FALSE) arms.push(`WHEN ${empty} THEN ${onEmpty}`);
        if (leafTest !== FALSE) arms.push(`WHEN ${chain} THEN ${leafTest}`);
        return arms.length === 0 ? FALSE : `(CASE ${arms.join(' ')} ELSE FALSE END)`;
      });
    });
  });
}

/**
 * `ToNumber(value) op n` as JavaScript computes it for `value * 1` and `value < n`: null is 0,
 * booleans 0 and 1, strings by {@link stringNumberSatisfies}, objects NaN, arrays through their
 * text (`[5]` is 5, `[]` is 0).
 */
export function jsNumberSatisfies(b: SqlBuilder, json: Sql, kind: Sql, op: NumberOp, n: number): Sql {
  const ofString = (value: Sql) => stringNumberSatisfies(b, value, op, n);
  const ofNumber = (value: Sql) => decimalTextSatisfies(b, b.numberTextOf(value), [[op, n]]);
  const zero = constant(compareNumbers(0, op, n));
  return b.switchKind(kind, {
    null: zero,
    false: zero,
    true: constant(compareNumbers(1, op, n)),
    number: ofNumber(json),
    string: ofString(b.stringOf(json)),
    array: singletonChain(b, json, zero, (leaf, leafKind) =>
      // Inside an array, null joins as '' (0) and booleans as 'true'/'false' (NaN).
      b.switchKind(leafKind, { null: zero, number: ofNumber(leaf), string: ofString(b.stringOf(leaf)) }),
    ),
  });
}

/** JavaScript truthiness of a JSON value (`!!value`); missing is falsy like null. */
export function jsTruthy(b: SqlBuilder, json: Sql, kind: Sql): Sql {
  return b.switchKind(kind, {
    true: TRUE,
    number: not(decimalTextSatisfies(b, b.numberTextOf(json), [['eq', 0]])),
    string: `(${b.stringOf(json)} <> '')`,
    array: TRUE,
    object: TRUE,
  });
}
