import { assertWorkspaceId, type CxEvent, type Storage } from '@cx/core';
import { type CompiledCondition, compileCondition } from '@cx/core/conditions';
import type { ExperimentDefinition } from './experiment-definition';
import { EXPOSURE_EVENT } from './exposures';
import type { EventSelector, MetricDefinition } from './metric-definition';

/**
 * Sufficient statistics of one metric in one variation, over exposed units: Σy and Σy² of the
 * per-unit value; the CUPED covariate sums (zero without CUPED); and, for ratio metrics, the
 * per-unit denominator sums (y is then the numerator).
 */
export interface MetricStats {
  n: number;
  sum: number;
  sumSquares: number;
  covariateSum: number;
  covariateSumSquares: number;
  covariateCrossSum: number;
  denominatorSum: number;
  denominatorSumSquares: number;
  ratioCrossSum: number;
}

/** Per-variation statistics of every metric: the input of `analyzeExperiment`. */
export interface ExperimentData {
  experimentKey: string;
  variations: { key: string; units: number }[];
  metrics: { key: string; role: 'goal' | 'guardrail'; stats: MetricStats[] }[];
  /** Units exposed to more than one variation (after identity merges), left out of the analysis. */
  multipleExposures: number;
  scannedEvents: number;
}

/** Options of {@link collectExperimentData}. */
export interface CollectOptions {
  /** Ignore events after this time (the analysis date); default: all. */
  until?: string | Date;
  /** Events per scan page; default 10,000. */
  pageSize?: number;
}

/** An empty statistics record. */
export function emptyMetricStats(): MetricStats {
  return {
    n: 0,
    sum: 0,
    sumSquares: 0,
    covariateSum: 0,
    covariateSumSquares: 0,
    covariateCrossSum: 0,
    denominatorSum: 0,
    denominatorSumSquares: 0,
    ratioCrossSum: 0,
  };
}

interface Matcher {
  metric: number;
  denominator: boolean;
  where: CompiledCondition | null;
  valueProperty: string | undefined;
}

interface Hit {
  matcher: Matcher;
  at: number;
  value: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The unit an event belongs to: the resolved profile when identity ran, else the Segment ids. */
function unitOf(event: CxEvent): string | undefined {
  return event.profileId ?? event.userId ?? event.anonymousId;
}

function eventValue(matcher: Matcher, properties: Record<string, unknown>): number {
  if (matcher.valueProperty === undefined) return 1;
  const raw = properties[matcher.valueProperty];
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isFinite(value) ? value : 0;
}

function defaultValueProperty(metric: MetricDefinition, selector: EventSelector): string | undefined {
  if (selector.valueProperty !== undefined) return selector.valueProperty;
  return metric.type === 'revenue' && selector === metric ? 'revenue' : undefined;
}

/**
 * Reads an experiment's exposures and metric events from the event store (one `scan` over
 * `track` events in append order, page by page) and reduces them to per-variation sufficient
 * statistics. Each unit counts from its first exposure; metric events before it are ignored
 * (or, with `cupedDays`, used as the CUPED covariate), as are events after `windowHours`.
 * Units never converting count as zeros, so conversion rates are per exposed unit.
 *
 * @example
 * ```ts
 * const data = await collectExperimentData(storage, 'acme', definition);
 * const results = analyzeExperiment(definition, data);
 * ```
 */
export async function collectExperimentData(
  storage: Storage,
  workspaceId: string,
  definition: ExperimentDefinition,
  options: CollectOptions = {},
): Promise<ExperimentData> {
  assertWorkspaceId(workspaceId);
  const until = options.until === undefined ? Number.POSITIVE_INFINITY : new Date(options.until).getTime();
  const metrics = [
    ...definition.metrics.map((m) => ({ m, role: 'goal' as const })),
    ...(definition.guardrails ?? []).map((m) => ({ m, role: 'guardrail' as const })),
  ];
  const byEvent = new Map<string, Matcher[]>();
  const addMatcher = (event: string, matcher: Matcher) => {
    const list = byEvent.get(event) ?? [];
    list.push(matcher);
    byEvent.set(event, list);
  };
  metrics.forEach(({ m }, metric) => {
    addMatcher(m.event, {
      metric,
      denominator: false,
      where: m.where ? compileCondition(m.where) : null,
      valueProperty: defaultValueProperty(m, m),
    });
    if (m.denominator) {
      addMatcher(m.denominator.event, {
        metric,
        denominator: true,
        where: m.denominator.where ? compileCondition(m.denominator.where) : null,
        valueProperty: m.denominator.valueProperty,
      });
    }
  });
  const variationIndex = new Map(definition.variations.map((v, i) => [v.key, i]));

  const exposures = new Map<string, { variation: number; at: number }>();
  const conflicted = new Set<string>();
  const hits = new Map<string, Hit[]>();
  let scannedEvents = 0;
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, {
      cursor,
      limit: options.pageSize ?? 10_000,
      types: ['track'],
      // `until` is inclusive; the store's `to` is not.
      ...(Number.isFinite(until) ? { to: new Date(until + 1) } : {}),
    });
    for (const event of page.items) {
      scannedEvents++;
      if (event.type !== 'track') continue;
      const at = Date.parse(event.timestamp);
      if (at > until) continue;
      const unit = unitOf(event);
      if (unit === undefined) continue;
      const properties = (event.properties ?? {}) as Record<string, unknown>;
      if (event.event === EXPOSURE_EVENT) {
        if (properties.experiment_id !== definition.key) continue;
        const variation = variationIndex.get(String(properties.variation_id));
        if (variation === undefined) continue;
        const seen = exposures.get(unit);
        if (seen === undefined) exposures.set(unit, { variation, at });
        else {
          if (seen.variation !== variation) conflicted.add(unit);
          if (at < seen.at) seen.at = at;
        }
        continue;
      }
      const matchers = byEvent.get(event.event);
      if (matchers === undefined) continue;
      for (const matcher of matchers) {
        if (matcher.where && !matcher.where(properties)) continue;
        const list = hits.get(unit) ?? [];
        list.push({ matcher, at, value: eventValue(matcher, properties) });
        hits.set(unit, list);
      }
    }
    cursor = page.nextCursor;
  } while (cursor !== null);

  const variations = definition.variations.map((v) => ({ key: v.key, units: 0 }));
  const stats = metrics.map(() => definition.variations.map(() => emptyMetricStats()));
  const post = new Float64Array(metrics.length);
  const pre = new Float64Array(metrics.length);
  const den = new Float64Array(metrics.length);
  const postCount = new Uint32Array(metrics.length);
  const preCount = new Uint32Array(metrics.length);

  for (const [unit, exposure] of exposures) {
    if (conflicted.has(unit)) continue;
    (variations[exposure.variation] as { units: number }).units++;
    post.fill(0);
    pre.fill(0);
    den.fill(0);
    postCount.fill(0);
    preCount.fill(0);
    for (const hit of hits.get(unit) ?? []) {
      const { m } = metrics[hit.matcher.metric] as { m: MetricDefinition };
      const i = hit.matcher.metric;
      if (hit.at >= exposure.at) {
        if (m.windowHours !== undefined && hit.at > exposure.at + m.windowHours * HOUR) continue;
        if (hit.matcher.denominator) den[i] += hit.value;
        else {
          post[i] += hit.value;
          postCount[i]++;
        }
      } else if (
        m.cupedDays !== undefined &&
        !hit.matcher.denominator &&
        hit.at >= exposure.at - m.cupedDays * DAY
      ) {
        pre[i] += hit.value;
        preCount[i]++;
      }
    }
    metrics.forEach(({ m }, i) => {
      const s = (stats[i] as MetricStats[])[exposure.variation] as MetricStats;
      const y = m.type === 'conversion' ? ((postCount[i] as number) > 0 ? 1 : 0) : (post[i] as number);
      const x = m.type === 'conversion' ? ((preCount[i] as number) > 0 ? 1 : 0) : (pre[i] as number);
      const d = den[i] as number;
      s.n++;
      s.sum += y;
      s.sumSquares += y * y;
      if (m.cupedDays !== undefined) {
        s.covariateSum += x;
        s.covariateSumSquares += x * x;
        s.covariateCrossSum += x * y;
      }
      if (m.type === 'ratio') {
        s.denominatorSum += d;
        s.denominatorSumSquares += d * d;
        s.ratioCrossSum += y * d;
      }
    });
  }
  return {
    experimentKey: definition.key,
    variations,
    metrics: metrics.map(({ m, role }, i) => ({ key: m.key, role, stats: stats[i] as MetricStats[] })),
    multipleExposures: conflicted.size,
    scannedEvents,
  };
}
