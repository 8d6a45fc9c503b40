import {
  betweenRange,
  CONDITION_OPERATORS,
  type Condition,
  isOperatorObject,
  parseConditionTime,
  withinWindowMs,
} from '@cx/core/conditions';
import type { NumberOp } from './double-bounds';
import { decimalTextSatisfies, jsNumberSatisfies, jsTruthy, singletonChain } from './number-sql';
import {
  and,
  constant,
  FALSE,
  type JsonKind,
  not,
  or,
  type Sql,
  SqlBuilder,
  type SqlParams,
  TRUE,
} from './sql-dialect';
import { isoTimeMs } from './time-sql';

export { type SqlParams, sqlParams } from './sql-dialect';

/*
 * Conditions as SQL WHERE expressions over a JSON column, agreeing exactly with
 * `compileCondition` (GrowthBook's semantics, coercions included) wherever they compile, and
 * refusing (null) wherever exactness would take more than SQL can say simply. Exactness, not
 * approximation: a segment computed in SQL must hold the same people as one computed in
 * JavaScript. The differential test runs both over random documents on SQLite and PostgreSQL.
 *
 * Not compiled (null): `$regex`, `$regexi`, `$elemMatch`, `$all`, `$alli`, `$size`, the version
 * operators, saved groups (`$inGroup`, `$notInGroup`, `$savedGroup`), `$lt`/`$gt`/... with an
 * operand other than a finite number (JavaScript compares strings by UTF-16 code unit and mixes
 * types), literal arrays and objects (compared by `JSON.stringify`, key order included), a
 * literal string containing a comma when the attribute may be an array (`['a', 'b'] + ''` is
 * `'a,b'`), case-insensitive operands that are not ASCII once lower-cased, non-finite numbers,
 * and paths through keys JavaScript reads from prototypes (`length`, `constructor`, ...).
 *
 * Out of scope as for any JSON: strings holding U+0000 (PostgreSQL cannot turn them into text),
 * objects with duplicate keys, and objects with their own `toString` key, on which JavaScript's
 * own coercions throw.
 */

class Unsupported extends Error {}

const unsupported = (what: string): never => {
  throw new Unsupported(what);
};

const KNOWN_OPERATORS: ReadonlySet<string> = new Set(CONDITION_OPERATORS);

/** Object and array prototype members: `'length' in []` is true, so JavaScript follows them. */
const INHERITED: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  ...Object.getOwnPropertyNames(Array.prototype),
]);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isArrayIndex = (step: string) => /^(0|[1-9][0-9]{0,8})$/.test(step);

/**
 * A SQL boolean expression that is true exactly when `compileCondition(condition)(doc, {}, now)`
 * is true for the JSON document in `jsonColumn` (a TEXT JSON column in SQLite, `jsonb` in
 * PostgreSQL), or null when the condition uses something this compiler cannot express exactly
 * (then callers evaluate in JavaScript). Every value from the condition is a bound parameter,
 * added to `p`; nothing is added when the result is null.
 *
 * Compiled: literal strings, numbers, booleans and null (with JavaScript's coercions: `5`
 * matches `'5'`, `'10'` matches `10`, a missing attribute matches `'null'`), `$eq`/`$ne` with a
 * scalar, `$lt`/`$lte`/`$gt`/`$gte` with a finite number (numeric strings and one-element arrays
 * compare as JavaScript converts them), `$in`/`$nin`/`$ini`/`$nini` with scalar lists (an array
 * attribute intersects), `$exists`, `$type`, `$not`, the string operators (`$contains`,
 * `$startsWith`, `$endsWith`, their `i` forms, `$eqi`, `$nei`), the date operators (`$before`,
 * `$after`, `$between`, `$withinLast`, `$notWithinLast`, over ISO strings and epoch numbers),
 * `$and`, `$or`, `$nor`, `$not`, and dotted paths (`company.plan`, `tags.0`).
 *
 * @param jsonColumn SQL text naming the column (such as `d.body`); it is not a parameter.
 * @param now The instant `$withinLast` and `$notWithinLast` measure from, in epoch milliseconds.
 * @example
 * ```ts
 * const p = sqlParams('postgres');
 * const where = conditionToSql({ plan: { $in: ['pro', 'team'] }, signedUpAt: { $withinLast: { amount: 7, unit: 'days' } } }, 'body', p, Date.now());
 * if (where !== null) await pool.query(`SELECT id FROM profiles WHERE ${where}`, p.params);
 * ```
 */
export function conditionToSql(
  condition: Condition,
  jsonColumn: string,
  p: SqlParams,
  now: number,
): string | null {
  const builder = new SqlBuilder(p);
  let sql: Sql;
  try {
    sql = new ConditionCompiler(builder, jsonColumn, now).condition(condition);
  } catch (error) {
    if (error instanceof Unsupported) return null;
    throw error;
  }
  return builder.finish(sql);
}

/** A JSON value in SQL, with its kind; both are expressions over bound columns. */
interface Value {
  json: Sql;
  kind: Sql;
}

class ConditionCompiler {
  constructor(
    private readonly b: SqlBuilder,
    private readonly column: string,
    private readonly now: number,
  ) {}

  condition(condition: unknown): Sql {
    if (!isPlainObject(condition)) return unsupported('a condition that is not an object');
    return and(Object.entries(condition).map(([key, value]) => this.entry(key, value)));
  }

  private entry(key: string, value: unknown): Sql {
    switch (key) {
      case '$or': {
        const list = this.list(value);
        return list.length === 0 ? TRUE : or(list);
      }
      case '$nor': {
        const list = this.list(value);
        return list.length === 0 ? FALSE : not(or(list));
      }
      case '$and':
        return and(this.list(value));
      case '$not':
        return not(this.condition(value ?? {}));
      case '$savedGroup':
        return unsupported('saved groups');
      default:
        return this.at(key, (v) => this.value(value, v));
    }
  }

  /** The sub-conditions of `$and`/`$or`/`$nor`; GrowthBook reads a missing list as empty. */
  private list(value: unknown): Sql[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) return unsupported('a logical operator without an array');
    return value.map((item) => (item === null || item === undefined ? TRUE : this.condition(item)));
  }

  /** Binds the value at a dotted path and its kind for `test`. */
  private at(key: string, test: (value: Value) => Sql): Sql {
    const json = this.locate(key.split('.'));
    return this.b.bind([json, this.b.kind(json)], ([ref, kind]) =>
      test({ json: ref as Sql, kind: kind as Sql }),
    );
  }

  /**
   * The JSON at a path, as JavaScript's `readAttributePath` walks it: a step is an object key,
   * or an index when the value is an array and the step is a canonical index (`0`, `12`).
   */
  private locate(steps: readonly string[]): Sql {
    for (const step of steps) {
      if (INHERITED.has(step)) unsupported(`a path through "${step}"`);
      // PostgreSQL's #> reads `01`, `-1` and ` 1` as array indexes; JavaScript does not.
      if (this.b.postgres && !isArrayIndex(step) && /^[\t\n\v\f\r ]*[+-]?[0-9]+$/.test(step)) {
        unsupported(`the path step "${step}"`);
      }
      if (!this.b.postgres && /["\\]/.test(step)) unsupported(`the path step "${step}"`);
    }
    if (this.b.postgres) return this.b.path(this.column, steps);
    // SQLite's `$."0"` never indexes an array, so a step that may be an index branches on the kind.
    let json = this.column;
    let pending: string[] = [];
    const flush = () => {
      if (pending.length > 0) json = this.b.path(json, pending);
      pending = [];
    };
    for (const step of steps) {
      if (!isArrayIndex(step)) {
        pending.push(step);
        continue;
      }
      flush();
      json = this.b.bind(
        [json],
        ([ref]) =>
          `CASE WHEN json_type(${ref}) = 'array' THEN ${this.b.element(ref as Sql, Number(step))} ELSE ${this.b.member(ref as Sql, step)} END`,
      );
    }
    flush();
    return json;
  }

  private value(condition: unknown, v: Value): Sql {
    if (typeof condition === 'string') return this.literalString(condition, v);
    if (typeof condition === 'number') {
      if (!Number.isFinite(condition)) return unsupported('a non-finite number');
      return jsNumberSatisfies(this.b, v.json, v.kind, 'eq', condition);
    }
    if (typeof condition === 'boolean') {
      const truthy = jsTruthy(this.b, v.json, v.kind);
      return condition ? truthy : and([`${v.kind} <> 'null'`, not(truthy)]);
    }
    if (condition === null) return `${v.kind} = 'null'`;
    if (Array.isArray(condition) || !isOperatorObject(condition)) {
      return unsupported('a literal array or object (JSON equality)');
    }
    return and(Object.entries(condition as object).map(([op, operand]) => this.operator(op, operand, v)));
  }

  /** `value + '' === text`. */
  private literalString(text: string, v: Value): Sql {
    const leafMatches = (json: Sql, kind: Sql, inArray: boolean): Sql =>
      this.b.switchKind(kind, {
        null: constant(text === (inArray ? '' : 'null')),
        true: constant(text === 'true'),
        false: constant(text === 'false'),
        string: `${this.b.stringOf(json)} = ${this.b.text(text)}`,
        // String(n) === text exactly when text is how JavaScript writes some number n.
        number:
          String(Number(text)) === text && Number.isFinite(Number(text))
            ? decimalTextSatisfies(this.b, this.b.numberTextOf(json), [['eq', Number(text)]])
            : FALSE,
        object: constant(text === '[object Object]'),
      });
    // Arrays join with commas: only a comma-free text can be read back through one-element arrays.
    const array = text.includes(',')
      ? unsupported('a literal string with a comma')
      : singletonChain(this.b, v.json, constant(text === ''), (leaf, kind) => leafMatches(leaf, kind, true));
    return ifArray(v, array, leafMatches(v.json, v.kind, false));
  }

  private operator(op: string, operand: unknown, v: Value): Sql {
    switch (op) {
      case '$eq':
        return this.strictEquals(operand, v);
      case '$ne':
        return not(this.strictEquals(operand, v));
      case '$lt':
      case '$lte':
      case '$gt':
      case '$gte': {
        if (typeof operand !== 'number' || !Number.isFinite(operand)) {
          return unsupported(`${op} with an operand other than a finite number`);
        }
        const ops: Record<string, NumberOp> = { $lt: 'lt', $lte: 'le', $gt: 'gt', $gte: 'ge' };
        return jsNumberSatisfies(this.b, v.json, v.kind, ops[op] as NumberOp, operand);
      }
      case '$exists':
        return operand ? `${v.kind} <> 'null'` : `${v.kind} = 'null'`;
      case '$in':
      case '$nin':
      case '$ini':
      case '$nini': {
        if (!Array.isArray(operand)) return FALSE;
        const insensitive = op === '$ini' || op === '$nini';
        const some = (json: Sql, kind: Sql) =>
          or(operand.map((item) => this.sameValue(item, json, kind, insensitive)));
        const found = ifArray(
          v,
          this.b.someElement(v.json, (element) =>
            this.b.bind([element, this.b.kind(element)], ([json, kind]) => some(json as Sql, kind as Sql)),
          ),
          some(v.json, v.kind),
        );
        return op === '$in' || op === '$ini' ? found : not(found);
      }
      case '$type':
        return this.type(operand, v);
      case '$not':
        return not(this.value(operand, v));
      case '$contains':
      case '$containsi':
      case '$startsWith':
      case '$startsWithi':
      case '$endsWith':
      case '$endsWithi':
      case '$eqi':
        return this.stringOperator(op, operand, v);
      case '$nei':
        return typeof operand === 'string' ? not(this.stringOperator('$eqi', operand, v)) : FALSE;
      case '$before':
      case '$after': {
        const bound = parseConditionTime(operand);
        if (bound === undefined) return FALSE;
        return op === '$before'
          ? this.time(v, undefined, { value: bound, inclusive: false })
          : this.time(v, { value: bound, inclusive: false }, undefined);
      }
      case '$between': {
        const range = betweenRange(operand);
        if (range === undefined) return FALSE;
        return this.time(v, { value: range[0], inclusive: true }, { value: range[1], inclusive: false });
      }
      case '$withinLast':
      case '$notWithinLast': {
        const window = withinWindowMs(operand);
        if (window === undefined) return FALSE;
        const start = this.now - window;
        return op === '$withinLast'
          ? this.time(v, { value: start, inclusive: true }, { value: this.now, inclusive: true })
          : this.time(v, undefined, { value: start, inclusive: false });
      }
      default:
        // An operator GrowthBook does not know matches nobody; a known one we cannot compile refuses.
        return KNOWN_OPERATORS.has(op) ? unsupported(`the operator ${op}`) : FALSE;
    }
  }

  /** `actual === operand` for a scalar operand; objects and arrays are never the same object. */
  private strictEquals(operand: unknown, v: Value): Sql {
    if (typeof operand === 'object' && operand !== null) return FALSE;
    if (operand === undefined) return unsupported('$eq with undefined');
    return this.sameValue(operand, v.json, v.kind, false);
  }

  /** SameValueZero of a JSON value and a scalar (after lower-casing strings, when `insensitive`). */
  private sameValue(item: unknown, json: Sql, kind: Sql, insensitive: boolean): Sql {
    if (item === null) return `${kind} = 'null'`;
    if (typeof item === 'boolean') return `${kind} = '${item}'`;
    if (typeof item === 'number') {
      if (Number.isNaN(item)) return FALSE; // JSON holds no NaN
      if (!Number.isFinite(item)) return unsupported('a non-finite number');
      return and([
        `${kind} = 'number'`,
        decimalTextSatisfies(this.b, this.b.numberTextOf(json), [['eq', item]]),
      ]);
    }
    if (typeof item === 'string') {
      if (!insensitive) return and([`${kind} = 'string'`, `${this.b.stringOf(json)} = ${this.b.text(item)}`]);
      return and([
        `${kind} = 'string'`,
        `${this.foldCase(this.b.stringOf(json))} = ${this.b.text(asciiLower(item))}`,
      ]);
    }
    if (item === undefined || typeof item === 'object') return FALSE; // only the same object would do
    return unsupported(`the value ${String(item)}`);
  }

  private type(operand: unknown, v: Value): Sql {
    const kinds: Record<string, JsonKind[]> = {
      string: ['string'],
      number: ['number'],
      boolean: ['true', 'false'],
      array: ['array'],
      object: ['object'],
      null: ['null'],
    };
    const matching =
      typeof operand === 'string' && Object.hasOwn(kinds, operand) ? kinds[operand] : undefined;
    if (matching === undefined) return FALSE;
    return `${v.kind} IN (${matching.map((kind) => `'${kind}'`).join(', ')})`;
  }

  /**
   * `toLowerCase` for comparing with an ASCII text: ASCII letters fold as in JavaScript, and the
   * only other characters whose lower case holds ASCII letters are mapped first (the Kelvin sign
   * to `k`, `İ` to `i` + U+0307). Every other character stays non-ASCII either way, so it can
   * never be part of a match.
   */
  private foldCase(text: Sql): Sql {
    const b = this.b;
    return b.lowerAscii(
      `replace(replace(${text}, ${b.char(0x212a)}, 'k'), ${b.char(0x130)}, 'i' || ${b.char(0x307)})`,
    );
  }

  private stringOperator(op: string, operand: unknown, v: Value): Sql {
    if (typeof operand !== 'string') return FALSE;
    const b = this.b;
    const insensitive = op.endsWith('i');
    const needle = b.text(insensitive ? asciiLower(operand) : operand);
    const test = (s: Sql) => {
      switch (op) {
        case '$contains':
        case '$containsi':
          return `${b.position(s, needle)} > 0`;
        case '$startsWith':
        case '$startsWithi':
          return `substr(${s}, 1, length(${needle})) = ${needle}`;
        case '$endsWith':
        case '$endsWithi':
          // SQLite's substr(s, -n) is the last n characters.
          return b.postgres
            ? `right(${s}, length(${needle})) = ${needle}`
            : `(length(${needle}) = 0 OR substr(${s}, -length(${needle})) = ${needle})`;
        default:
          return `${s} = ${needle}`;
      }
    };
    const text = b.stringOf(v.json);
    return and([`${v.kind} = 'string'`, test(insensitive ? this.foldCase(text) : text)]);
  }

  /**
   * A time between bounds: an ISO string (epoch milliseconds by `parseConditionTime`) or a
   * finite JSON number; anything else, an unparseable string or a number that JavaScript reads
   * as ±Infinity never matches.
   */
  private time(v: Value, lower: TimeBound | undefined, upper: TimeBound | undefined): Sql {
    const b = this.b;
    const tests: [NumberOp, number][] = [
      lower ? [lower.inclusive ? 'ge' : 'gt', lower.value] : ['ge', -Number.MAX_VALUE],
      upper ? [upper.inclusive ? 'le' : 'lt', upper.value] : ['le', Number.MAX_VALUE],
    ];
    const ofString = isoTimeMs(b, b.stringOf(v.json), (ms) => {
      const parts: Sql[] = [`${ms} IS NOT NULL`];
      if (lower) parts.push(`${ms} ${lower.inclusive ? '>=' : '>'} ${b.float(lower.value)}`);
      if (upper) parts.push(`${ms} ${upper.inclusive ? '<=' : '<'} ${b.float(upper.value)}`);
      return `COALESCE(${and(parts)}, FALSE)`;
    });
    return b.switchKind(v.kind, {
      number: decimalTextSatisfies(b, b.numberTextOf(v.json), tests),
      string: ofString,
    });
  }
}

/**
 * `onArray` for an array, else `otherwise`. A CASE rather than AND/OR: PostgreSQL may evaluate
 * either side of AND first, and `jsonb_array_elements` raises an error on a scalar.
 */
function ifArray(v: Value, onArray: Sql, otherwise: Sql): Sql {
  if (onArray === FALSE && otherwise === FALSE) return FALSE;
  return `(CASE WHEN ${v.kind} = 'array' THEN ${onArray} ELSE ${otherwise} END)`;
}

interface TimeBound {
  value: number;
  inclusive: boolean;
}

/** The lower case of a case-insensitive operand, which must be ASCII for SQL to fold like JavaScript. */
function asciiLower(text: string): string {
  const lower = text.toLowerCase();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range, control characters included
  if (!/^[\u0000-\u007f]*$/.test(lower)) unsupported('a case-insensitive operand that is not ASCII');
  return lower;
}
