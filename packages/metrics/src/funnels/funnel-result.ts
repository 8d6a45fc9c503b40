import { nearestRank } from '../stats/percentile';
import { type CompiledFunnel, stepLabel } from './definition';
import { breakdownLabel } from './match-event';

/**
 * What both implementations reduce a funnel to before formatting: for each group (overall, or
 * one breakdown value) and step, the people counted and the nearest-rank median and p90 of their
 * times. `step` −1 holds the time to convert. The SQL funnel returns exactly these rows.
 */
export interface FunnelFactRow {
  /** 0 for overall, 1 for a breakdown value. */
  group: 0 | 1;
  /** Breakdown value as JSON text, or `null`. */
  breakdown: string | null;
  step: number;
  n: number;
  p50: number | null;
  p90: number | null;
}

/** Median and p90 of a time in ms. */
export interface TimeSummary {
  medianMs: number;
  p90Ms: number;
}

/** One step of a funnel result. */
export interface FunnelStepResult {
  index: number;
  label: string;
  optional: boolean;
  /** People whose best attempt reached this step. */
  count: number;
  /** count ÷ the previous required step's count (`null` for the first step or when it is 0). */
  conversionFromPrevious: number | null;
  /** count ÷ the first step's count. */
  conversionFromStart: number | null;
  /** People lost since the previous required step (`null` for the first and optional steps). */
  dropOff: number | null;
  /** Time from the previous required step, for those who reached this one (ordered funnels). */
  timeFromPrevious: TimeSummary | null;
}

/** A funnel for one group of people. */
export interface FunnelSeries {
  steps: FunnelStepResult[];
  /** People who entered (did step 1). */
  entered: number;
  /** People who reached the last required step. */
  converted: number;
  conversionRate: number | null;
  /** The step with the largest drop-off (index), where most people leave. */
  biggestDropOff: number | null;
  timeToConvert: TimeSummary | null;
}

/** A computed funnel. */
export interface FunnelResult extends FunnelSeries {
  /** Per breakdown value, sorted by people entered (most first); `null` without a breakdown. */
  breakdown: (FunnelSeries & { value: string })[] | null;
}

function series(funnel: CompiledFunnel, rows: ReadonlyMap<number, FunnelFactRow>): FunnelSeries {
  const { definition, required } = funnel;
  const any = definition.order === 'any';
  const count = (step: number) => rows.get(step)?.n ?? 0;
  const entered = count(0);
  let previousRequired = 0;
  const steps = definition.steps.map((step, index): FunnelStepResult => {
    const n = count(index);
    const before = index === 0 ? null : count(previousRequired);
    const row = rows.get(index);
    const result: FunnelStepResult = {
      index,
      label: stepLabel(step),
      optional: step.optional,
      count: n,
      conversionFromPrevious: before === null || before === 0 ? null : n / before,
      conversionFromStart: entered === 0 ? null : n / entered,
      dropOff: index === 0 || step.optional ? null : before! - n,
      timeFromPrevious:
        index === 0 || any || row?.p50 == null || row.p90 == null
          ? null
          : { medianMs: row.p50, p90Ms: row.p90 },
    };
    if (!step.optional) previousRequired = index;
    return result;
  });
  const converted = count(any ? definition.steps.length - 1 : required[required.length - 1]!);
  let biggestDropOff: number | null = null;
  for (const step of steps) {
    if (
      step.dropOff !== null &&
      step.dropOff > 0 &&
      (biggestDropOff === null || step.dropOff > steps[biggestDropOff]!.dropOff!)
    )
      biggestDropOff = step.index;
  }
  const total = rows.get(-1);
  return {
    steps,
    entered,
    converted,
    conversionRate: entered === 0 ? null : converted / entered,
    biggestDropOff,
    timeToConvert: total?.p50 == null || total.p90 == null ? null : { medianMs: total.p50, p90Ms: total.p90 },
  };
}

/** Formats fact rows (from either implementation) into a {@link FunnelResult}. */
export function buildFunnelResult(funnel: CompiledFunnel, facts: readonly FunnelFactRow[]): FunnelResult {
  const overall = new Map<number, FunnelFactRow>();
  const groups = new Map<string | null, Map<number, FunnelFactRow>>();
  for (const row of facts) {
    if (row.group === 0) overall.set(row.step, row);
    else {
      let group = groups.get(row.breakdown);
      if (group === undefined) {
        group = new Map();
        groups.set(row.breakdown, group);
      }
      group.set(row.step, row);
    }
  }
  const breakdown =
    funnel.definition.breakdown === undefined
      ? null
      : [...groups.entries()]
          .map(([value, rows]) => ({ value: breakdownLabel(value), ...series(funnel, rows) }))
          .sort((a, b) => b.entered - a.entered || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return { ...series(funnel, overall), breakdown };
}

/**
 * Reduces people's chosen attempts to fact rows; the streaming implementation's last stage,
 * written to mirror the SQL's `facts` and percentile query. Durations are kept per group and
 * step (index step + 1, so the time to convert, step −1, sits at 0).
 */
export class FactCollector {
  private readonly overall: (number[] | undefined)[] = [];
  private readonly byValue = new Map<string | null, (number[] | undefined)[]>();

  constructor(private readonly withBreakdown: boolean) {}

  add(breakdown: string | null, step: number, duration: number | null): void {
    push(this.overall, step, duration);
    if (!this.withBreakdown) return;
    let steps = this.byValue.get(breakdown);
    if (steps === undefined) {
      steps = [];
      this.byValue.set(breakdown, steps);
    }
    push(steps, step, duration);
  }

  rows(): FunnelFactRow[] {
    const rows: FunnelFactRow[] = [];
    const emit = (group: 0 | 1, breakdown: string | null, steps: (number[] | undefined)[]) => {
      steps.forEach((durations, index) => {
        if (durations === undefined) return;
        const sorted = Float64Array.from(durations).sort();
        const timed = Number.isNaN(sorted[0]!) ? null : sorted;
        rows.push({
          group,
          breakdown,
          step: index - 1,
          n: durations.length,
          p50: timed === null ? null : nearestRank(timed, 0.5),
          p90: timed === null ? null : nearestRank(timed, 0.9),
        });
      });
    };
    emit(0, null, this.overall);
    for (const [breakdown, steps] of this.byValue) emit(1, breakdown, steps);
    return rows;
  }
}

function push(steps: (number[] | undefined)[], step: number, duration: number | null): void {
  let durations = steps[step + 1];
  if (durations === undefined) {
    durations = [];
    steps[step + 1] = durations;
  }
  durations.push(duration ?? Number.NaN);
}
