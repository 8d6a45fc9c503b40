import type { CompiledFunnel } from './definition';

/** One person's (or one held value's) events, sorted by timestamp then arrival. */
export interface PartitionEvents {
  length: number;
  ts: ArrayLike<number>;
  seq: ArrayLike<number>;
  /** Bit k set when the event matches step k. */
  steps: ArrayLike<number>;
  /** Bit e set when the event matches exclusion e. */
  exclusions: ArrayLike<number>;
  /** Breakdown value (JSON text) of each event, or `null`; absent without a breakdown. */
  breakdown: ArrayLike<string | null> | null;
}

/** The attempt a partition is scored by. */
export interface Attempt {
  /** Required steps reached (ordered funnels) or distinct steps done (`any`). */
  depth: number;
  entryTs: number;
  entrySeq: number;
  /** Per step index: ms from the previous required step's match, or `NaN` when not reached. */
  durations: number[];
  /** ms from entry to the last step, when every required step was reached. */
  total: number | null;
  breakdown: string | null;
}

const NONE = -1;

/* Two reusable buffers (steps, exclusions): evaluation runs once per person, so it must not allocate. */
const scratch = [new Int32Array(1024), new Int32Array(256)];

/** `table[k·(length+1) + i]`: the first index ≥ i whose event has bit k of `bits`, or NONE. */
function nextIndexTable(buffer: 0 | 1, bits: ArrayLike<number>, length: number, count: number): Int32Array {
  const size = (length + 1) * count;
  if (scratch[buffer]!.length < size) scratch[buffer] = new Int32Array(size * 2);
  const table = scratch[buffer]!;
  for (let k = 0; k < count; k++) {
    const base = k * (length + 1);
    table[base + length] = NONE;
    const bit = 1 << k;
    for (let i = length - 1; i >= 0; i--) table[base + i] = (bits[i]! & bit) !== 0 ? i : table[base + i + 1]!;
  }
  return table;
}

/** Evaluates an ordered (sequential or strict) funnel on one partition; `null` without an entry. */
function evaluateOrdered(funnel: CompiledFunnel, events: PartitionEvents): Attempt | null {
  const { definition, required, optionalAfter, exclusions } = funnel;
  const { length, ts, seq, steps } = events;
  const strict = definition.order === 'strict';
  const stepCount = definition.steps.length;
  const stepTable = nextIndexTable(0, steps, length, stepCount);
  const exclusionTable =
    exclusions.length === 0 ? null : nextIndexTable(1, events.exclusions, length, exclusions.length);
  const next = (table: Int32Array, k: number, i: number) =>
    i > length ? NONE : table[k * (length + 1) + i]!;
  const m = required.length;
  const positions = new Array<number>(m);
  let best: Attempt | null = null;
  for (let entry = 0; entry < length; entry++) {
    if ((steps[entry]! & 1) === 0) continue;
    const t0 = ts[entry]!;
    positions[0] = entry;
    let depth = 1;
    for (let q = 1; q < m; q++) {
      const k = required[q]!;
      const previous = positions[q - 1]!;
      let j: number;
      if (strict) j = previous + 1 < length && (steps[previous + 1]! & (1 << k)) !== 0 ? previous + 1 : NONE;
      else j = next(stepTable, k, previous + 1);
      if (j === NONE) break;
      if (ts[j]! - t0 > definition.windowMs) break;
      const within = definition.steps[k]!.withinMs;
      if (within !== undefined && ts[j]! - ts[previous]! > within) break;
      let excluded = false;
      for (let e = 0; e < exclusions.length; e++) {
        const rule = exclusions[e]!;
        if (rule.b !== q) continue;
        const x = next(exclusionTable!, e, positions[rule.a]! + 1);
        if (x !== NONE && x < j) excluded = true;
      }
      if (excluded) break;
      positions[q] = j;
      depth++;
    }
    if (best === null || depth > best.depth) {
      const durations = new Array<number>(stepCount).fill(Number.NaN);
      durations[0] = 0;
      for (let q = 1; q < depth; q++) durations[required[q]!] = ts[positions[q]!]! - ts[positions[q - 1]!]!;
      for (const [k, qp] of optionalAfter) {
        if (qp >= depth) continue;
        const j = next(stepTable, k, positions[qp]! + 1);
        if (j === NONE || ts[j]! - t0 > definition.windowMs) continue;
        if (qp + 1 < depth && j >= positions[qp + 1]!) continue;
        durations[k] = ts[j]! - ts[positions[qp]!]!;
      }
      const bd = events.breakdown;
      const touch = definition.breakdown?.attribution === 'last-touch' ? positions[depth - 1]! : entry;
      best = {
        depth,
        entryTs: t0,
        entrySeq: seq[entry]!,
        durations,
        total: depth === m ? ts[positions[m - 1]!]! - t0 : null,
        breakdown: bd === null ? null : bd[touch]!,
      };
      if (depth === m) break;
    }
  }
  return best;
}

/** Evaluates an any-order funnel on one partition. */
function evaluateAnyOrder(funnel: CompiledFunnel, events: PartitionEvents): Attempt | null {
  const { definition } = funnel;
  const { length, ts, seq, steps } = events;
  const n = definition.steps.length;
  const first = new Array<number>(n);
  let best: Attempt | null = null;
  let windowStart = 0;
  for (let anchor = 0; anchor < length; anchor++) {
    if (steps[anchor] === 0) continue;
    const t0 = ts[anchor]!;
    // The window is every event with a timestamp in [t0, t0 + window], peers before the anchor included.
    while (ts[windowStart]! < t0) windowStart++;
    first.fill(Number.NaN);
    for (let j = windowStart; j < length && ts[j]! - t0 <= definition.windowMs; j++) {
      const bits = steps[j]!;
      for (let k = 0; k < n; k++) if ((bits & (1 << k)) !== 0 && Number.isNaN(first[k]!)) first[k] = ts[j]!;
    }
    let depth = 0;
    let last = t0;
    for (let k = 0; k < n; k++) {
      if (Number.isNaN(first[k]!)) continue;
      depth++;
      if (first[k]! > last) last = first[k]!;
    }
    if (best === null || depth > best.depth) {
      best = {
        depth,
        entryTs: t0,
        entrySeq: seq[anchor]!,
        durations: new Array<number>(n).fill(Number.NaN),
        total: depth === n ? last - t0 : null,
        breakdown: events.breakdown === null ? null : events.breakdown[anchor]!,
      };
      if (depth === n) break;
    }
  }
  return best;
}

/** The attempt that scores one partition, or `null` when it never entered the funnel. */
export function evaluatePartition(funnel: CompiledFunnel, events: PartitionEvents): Attempt | null {
  return funnel.definition.order === 'any'
    ? evaluateAnyOrder(funnel, events)
    : evaluateOrdered(funnel, events);
}

/** True when attempt `a` beats `b` for the same person: deeper, or as deep and earlier. */
export function isBetter(a: Attempt, b: Attempt): boolean {
  if (a.depth !== b.depth) return a.depth > b.depth;
  if (a.entryTs !== b.entryTs) return a.entryTs < b.entryTs;
  return a.entrySeq < b.entrySeq;
}
