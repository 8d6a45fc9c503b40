/*
 * Exact arithmetic on IEEE doubles, so SQL can decide a JavaScript number comparison without
 * parsing a float. JavaScript reads a decimal (a JSON number, a numeric string) by rounding it to
 * the nearest double, ties to even. So `Number(text) > n` holds exactly when the decimal value of
 * `text` is above the midpoint between `n` and the next double (or on it, when the tie rounds
 * up). The midpoints are dyadic rationals, whose decimal expansions are finite: computed here
 * with BigInt, they become constants that SQL compares digit strings against.
 */

/** A comparison of a JavaScript number with a constant. */
export type NumberOp = 'eq' | 'gt' | 'ge' | 'lt' | 'le';

/** An exact dyadic rational `n / 2^k`. */
interface Dyadic {
  n: bigint;
  k: number;
}

/** An exact decimal `sign × 0.digits × 10^exponent`; zero has sign 0 and no digits. */
export interface Decimal {
  sign: -1 | 0 | 1;
  /** Digits without leading or trailing zeros. */
  digits: string;
  exponent: number;
}

/** One side of a range of real numbers. */
export interface Bound<T> {
  value: T;
  inclusive: boolean;
}

/** The reals whose nearest double satisfies a comparison: above `lower`, below `upper`. */
export interface RealRange {
  lower?: Bound<Decimal>;
  upper?: Bound<Decimal>;
}

/** The non-negative integers whose nearest double satisfies a comparison; `null` when none. */
export interface IntegerRange {
  /** Smallest member (at least 0). */
  min: bigint;
  /** Largest member, or `undefined` for no upper end. */
  max?: bigint;
}

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);

/** The significand and exponent of a finite double, without normalizing: `x = m × 2^e`. */
function decompose(x: number): { m: bigint; e: number } {
  bits[0] = x;
  const raw = words[0] as bigint;
  const negative = raw >> 63n === 1n;
  const field = Number((raw >> 52n) & 0x7ffn);
  const fraction = raw & 0xf_ffff_ffff_ffffn;
  const m = field === 0 ? fraction : fraction | (1n << 52n);
  const e = field === 0 ? -1074 : field - 1075;
  return { m: negative ? -m : m, e };
}

function dyadic(x: number): Dyadic {
  const { m, e } = decompose(x);
  return e >= 0 ? { n: m << BigInt(e), k: 0 } : { n: m, k: -e };
}

/** The midpoint of two dyadics. */
function midpoint(a: Dyadic, b: Dyadic): Dyadic {
  const k = Math.max(a.k, b.k);
  return { n: (a.n << BigInt(k - a.k)) + (b.n << BigInt(k - b.k)), k: k + 1 };
}

/** 2^1024: where the doubles would continue past the largest, for rounding to Infinity. */
const BEYOND_MAX: Dyadic = { n: 1n << 1024n, k: 0 };

/** The next double towards +∞ (up) or −∞, as a dyadic (±2^1024 past the largest double). */
function neighbour(x: number, up: boolean): Dyadic {
  if (x === 0) return dyadic(up ? Number.MIN_VALUE : -Number.MIN_VALUE);
  if (x === Number.MAX_VALUE && up) return BEYOND_MAX;
  if (x === -Number.MAX_VALUE && !up) return { n: -BEYOND_MAX.n, k: 0 };
  bits[0] = x;
  words[0] = (words[0] as bigint) + (x > 0 === up ? 1n : -1n);
  return dyadic(bits[0] as number);
}

function toDecimal(x: Dyadic): Decimal {
  if (x.n === 0n) return { sign: 0, digits: '', exponent: 0 };
  const magnitude = x.n < 0n ? -x.n : x.n;
  // n / 2^k = n × 5^k / 10^k.
  const text = (magnitude * 5n ** BigInt(x.k)).toString();
  return { sign: x.n < 0n ? -1 : 1, digits: text.replace(/0+$/, ''), exponent: text.length - x.k };
}

/** True when a tie between `x` and a neighbour rounds to `x`: its significand is even. */
function isEven(x: number): boolean {
  return x === 0 || (decompose(x).m & 1n) === 0n;
}

interface DyadicRange {
  lower?: Bound<Dyadic>;
  upper?: Bound<Dyadic>;
}

function dyadicRange(op: NumberOp, n: number): DyadicRange {
  if (!Number.isFinite(n)) throw new RangeError(`Not a finite number: ${n}`);
  const x = dyadic(n);
  const even = isEven(n);
  const low = midpoint(x, neighbour(n, false));
  const high = midpoint(x, neighbour(n, true));
  switch (op) {
    case 'eq':
      return { lower: { value: low, inclusive: even }, upper: { value: high, inclusive: even } };
    case 'gt':
      return { lower: { value: high, inclusive: !even } };
    case 'ge':
      return { lower: { value: low, inclusive: even } };
    case 'lt':
      return { upper: { value: low, inclusive: !even } };
    default:
      return { upper: { value: high, inclusive: even } };
  }
}

/**
 * The reals `v` for which `round(v) op n` holds in JavaScript, where `round` is the nearest
 * double, ties to even (also past the largest double, to ±Infinity).
 *
 * @example
 * ```ts
 * realRange('gt', 0); // { lower: { value: 2^-1075 as a decimal, inclusive: false } }
 * ```
 */
export function realRange(op: NumberOp, n: number): RealRange {
  const range = dyadicRange(op, n);
  const out: RealRange = {};
  if (range.lower) out.lower = { value: toDecimal(range.lower.value), inclusive: range.lower.inclusive };
  if (range.upper) out.upper = { value: toDecimal(range.upper.value), inclusive: range.upper.inclusive };
  return out;
}

/** ⌊n / 2^k⌋, and whether the division is exact. */
function floorOf(x: Dyadic): { floor: bigint; exact: boolean } {
  const k = BigInt(x.k);
  return { floor: x.n >> k, exact: (x.n & ((1n << k) - 1n)) === 0n };
}

/**
 * The non-negative integers `v` for which `round(v) op n` holds (for hexadecimal, octal and
 * binary strings, which JavaScript reads as integers), or `null` when there are none.
 */
export function integerRange(op: NumberOp, n: number): IntegerRange | null {
  const range = dyadicRange(op, n);
  let min = 0n;
  let max: bigint | undefined;
  if (range.lower) {
    const { floor, exact } = floorOf(range.lower.value);
    const first = exact && range.lower.inclusive ? floor : floor + 1n;
    if (first > min) min = first;
  }
  if (range.upper) {
    const { floor, exact } = floorOf(range.upper.value);
    max = exact && !range.upper.inclusive ? floor - 1n : floor;
  }
  if (max !== undefined && max < min) return null;
  return max === undefined ? { min } : { min, max };
}

/** `a op b` for JavaScript numbers, for folding constants (null, booleans, Infinity) at compile time. */
export function compareNumbers(a: number, op: NumberOp, b: number): boolean {
  switch (op) {
    case 'eq':
      return a === b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    default:
      return a <= b;
  }
}
