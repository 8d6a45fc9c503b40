/** One line of `bench/results.json`. */
export interface BenchmarkResult {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared against, such as `better-sqlite3 prepared insert`. */
  peer?: string;
  peerValue?: number;
  /** Above 1 means cx is faster than the peer. */
  speedup?: number;
  /** How many runs the median is taken over. */
  runs: number;
}

/** What one run of a benchmark measured: cx's figure and, where there is one, the peer's. */
export interface Measurement {
  value: number;
  peerValue?: number;
}

/**
 * A benchmark. `measure` runs cx and its peer side by side in the same process, in the same
 * run, on the same data; the harness repeats it and reports medians.
 */
export interface Benchmark {
  name: string;
  /** `events/s`, `ms`, `s`... */
  unit: string;
  /** True for throughputs (events/s), false for durations (ms). */
  higherIsBetter: boolean;
  peer?: string;
  /** How many measured runs; default 5. */
  runs?: number;
  /** Prepares data once; skipped runs are not timed. */
  setup?: () => Promise<void>;
  measure: () => Promise<Measurement>;
  teardown?: () => Promise<void>;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Operations per second of `count` operations that took `ms` milliseconds. */
export const perSecond = (count: number, ms: number) => (count * 1000) / ms;

/** Milliseconds taken by `fn`. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs a benchmark and reduces its runs to medians. */
export async function runBenchmark(benchmark: Benchmark): Promise<BenchmarkResult> {
  const runs = benchmark.runs ?? 5;
  await benchmark.setup?.();
  try {
    await benchmark.measure(); // warm-up: JIT, caches, connection pools
    const values: number[] = [];
    const peerValues: number[] = [];
    for (let run = 0; run < runs; run++) {
      const measured = await benchmark.measure();
      values.push(measured.value);
      if (measured.peerValue !== undefined) peerValues.push(measured.peerValue);
    }
    const value = median(values);
    const result: BenchmarkResult = { name: benchmark.name, value: round(value), unit: benchmark.unit, runs };
    if (benchmark.peer !== undefined && peerValues.length > 0) {
      const peerValue = median(peerValues);
      result.peer = benchmark.peer;
      result.peerValue = round(peerValue);
      result.speedup = round(benchmark.higherIsBetter ? value / peerValue : peerValue / value, 3);
    }
    return result;
  } finally {
    await benchmark.teardown?.();
  }
}

function round(value: number, digits = 4): number {
  return Number(value.toPrecision(digits + 2));
}

/**
 * Times cx and its peer in the same run, alternating which goes first from run to run so that
 * neither always pays for a cold cache or profits from a warm one.
 */
export async function timeSideBySide(
  run: number,
  cx: () => unknown,
  peer: () => unknown,
): Promise<{ cxMs: number; peerMs: number }> {
  if (run % 2 === 0) {
    const cxMs = await timeMs(cx);
    return { cxMs, peerMs: await timeMs(peer) };
  }
  const peerMs = await timeMs(peer);
  return { cxMs: await timeMs(cx), peerMs };
}
