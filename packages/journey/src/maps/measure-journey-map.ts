import { assertWorkspaceId, type CxEvent, type Storage } from '@cx/core';
import {
  createProfileResolver,
  createStreamingFunnel,
  type FunnelResult,
  type PersonKey,
  sqlFunnel,
} from '@cx/metrics';
import { durationMs } from '../definition/duration';
import type { Duration } from '../definition/journey-types';
import { defineJourneyMap } from './define-journey-map';
import type { JourneyMap } from './journey-map-types';
import { mapFunnel } from './map-funnel';
import type { MeasuredEmotion, MeasuredJourneyMap, MeasuredStage } from './measured-journey-map';
import { SurveyEmotionCollector } from './survey-emotion';

/** Options of {@link measureJourneyMap}. */
export interface MeasureJourneyMapOptions {
  storage: Storage;
  workspaceId: string;
  /** Inclusive start of the period. */
  from: Date | string | number;
  /** Exclusive end of the period. */
  to: Date | string | number;
  /** How long after the first stage a person may reach the last; default 30 days. */
  window?: Duration;
  /** Who is one person; default `canonical` (the surviving profile after identity merges). */
  personKey?: PersonKey;
  /**
   * `auto` (default) runs the funnel as one SQL statement when the storage has SQL and the map
   * compiles to a direct funnel (see `mapFunnel`), else streams; `stream` always streams.
   */
  via?: 'auto' | 'stream';
  /** Confidence level of the survey intervals; default 0.95. */
  level?: number;
}

const PAGE = 10_000;

const toMs = (value: Date | string | number) =>
  value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);

// The `track` events of the period, a page at a time, through the port every adapter has.
async function* trackEvents(storage: Storage, workspaceId: string, from: number, to: number) {
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, {
      cursor,
      limit: PAGE,
      types: ['track'],
      from: new Date(from),
      to: new Date(to),
    });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

function stageResults(
  map: JourneyMap,
  funnel: FunnelResult,
  emotions: (MeasuredEmotion | null)[],
): MeasuredStage[] {
  return map.stages.map((stage, index) => {
    const step = funnel.steps[index]!;
    const before = index === 0 ? null : funnel.steps[index - 1]!.count;
    return {
      stageId: stage.id,
      name: stage.name,
      kind: stage.kind,
      reached: step.count,
      conversionFromPrevious: step.conversionFromPrevious,
      conversionFromStart: step.conversionFromStart,
      dropOff: step.dropOff,
      dropOffRate: before === null || before === 0 || step.dropOff === null ? null : step.dropOff / before,
      medianMsFromPrevious: step.timeFromPrevious?.medianMs ?? null,
      emotion: emotions[index] ?? null,
    };
  });
}

/**
 * Measures a journey map over a period: runs its funnel (see `mapFunnel`) with `@cx/metrics` and
 * returns, per stage, the people reached, conversion and drop-off from the previous stage, the
 * median time from it, and the emotion: the manual score, or the stage's survey answers of the
 * period scored with `@cx/metrics`' NPS, CSAT or CES and put on the −2 … +2 scale. Streams the
 * period's `track` events once (funnel and surveys together) unless the funnel runs in SQL.
 *
 * @example
 * ```ts
 * const measured = await measureJourneyMap(map, {
 *   storage, workspaceId: 'acme', from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', window: { days: 14 },
 * });
 * for (const stage of measured.stages) console.log(stage.name, stage.reached, stage.dropOffRate);
 * ```
 */
export async function measureJourneyMap(
  map: JourneyMap,
  options: MeasureJourneyMapOptions,
): Promise<MeasuredJourneyMap> {
  defineJourneyMap(map);
  const { storage, workspaceId } = options;
  assertWorkspaceId(workspaceId);
  const from = toMs(options.from);
  const to = toMs(options.to);
  const window = options.window ?? { days: 30 };
  const funnel = mapFunnel(map, {
    window,
    from,
    to,
    ...(options.personKey === undefined ? {} : { personKey: options.personKey }),
  });
  const surveys = map.stages.map((stage) =>
    stage.emotion?.source === 'survey' ? new SurveyEmotionCollector(stage.emotion.survey) : null,
  );
  const useSql = (options.via ?? 'auto') === 'auto' && storage.capabilities.sql && funnel.direct !== null;
  const counter = useSql
    ? null
    : createStreamingFunnel(funnel.definition, { profiles: createProfileResolver(storage, workspaceId) });
  const watchers: ((event: CxEvent) => void)[] = surveys.flatMap((s) =>
    s === null ? [] : [(e: CxEvent) => s.add(e)],
  );
  if (counter !== null)
    watchers.push((event) => {
      const tagged = funnel.tag(event);
      if (tagged !== null) counter.add(tagged);
    });
  if (watchers.length > 0)
    for await (const event of trackEvents(storage, workspaceId, from, to))
      for (const watch of watchers) watch(event);
  let result: FunnelResult;
  if (counter === null) result = await sqlFunnel(storage, workspaceId, funnel.direct!);
  else {
    await counter.loadProfiles();
    result = counter.result();
  }
  const emotions = map.stages.map((stage, index): MeasuredEmotion | null =>
    stage.emotion === undefined
      ? null
      : stage.emotion.source === 'manual'
        ? { source: 'manual', score: stage.emotion.score }
        : surveys[index]!.result(options.level),
  );
  const stages = stageResults(map, result, emotions);
  return {
    mapId: map.id,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    windowMs: durationMs(window),
    engine: counter === null ? 'sql' : 'stream',
    stages,
    entered: result.entered,
    converted: result.converted,
    conversionRate: result.conversionRate,
    biggestDropOff: result.biggestDropOff === null ? null : map.stages[result.biggestDropOff]!.id,
  };
}
