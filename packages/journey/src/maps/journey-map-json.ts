import type { JourneyMap, JourneyStage, StageEmotion, Touchpoint } from './journey-map-types';
import type { MeasuredJourneyMap, MeasuredStage } from './measured-journey-map';

/** The stable JSON form of a journey map, with its measurement when given. */
export interface JourneyMapJson {
  format: 'cx.journey-map';
  version: 1;
  map: JourneyMap;
  measured: MeasuredJourneyMap | null;
}

// Keys are written in one fixed order and optional keys only when set, so the same map always
// serialises to the same text (diffable in git, cacheable by hash) whatever order it was built in.
function emotionJson(emotion: StageEmotion): StageEmotion {
  if (emotion.source === 'manual')
    return {
      source: 'manual',
      score: emotion.score,
      ...(emotion.note === undefined ? {} : { note: emotion.note }),
    };
  const { event, where, metric, scale, scoreProperty } = emotion.survey;
  return {
    source: 'survey',
    survey: {
      ...(event === undefined ? {} : { event }),
      ...(where === undefined ? {} : { where }),
      metric,
      ...(scale === undefined ? {} : { scale }),
      ...(scoreProperty === undefined ? {} : { scoreProperty }),
    },
  };
}

function touchpointJson(touchpoint: Touchpoint): Touchpoint {
  return {
    id: touchpoint.id,
    name: touchpoint.name,
    ...(touchpoint.channel === undefined ? {} : { channel: touchpoint.channel }),
    events: touchpoint.events.map((match) => ({
      event: match.event,
      ...(match.where === undefined ? {} : { where: match.where }),
    })),
    ...(touchpoint.journeyNodes === undefined
      ? {}
      : { journeyNodes: touchpoint.journeyNodes.map(({ journeyId, node }) => ({ journeyId, node })) }),
  };
}

function stageJson(stage: JourneyStage): JourneyStage {
  return {
    id: stage.id,
    name: stage.name,
    kind: stage.kind,
    touchpoints: stage.touchpoints.map(touchpointJson),
    ...(stage.emotion === undefined ? {} : { emotion: emotionJson(stage.emotion) }),
    ...(stage.painPoints === undefined ? {} : { painPoints: [...stage.painPoints] }),
  };
}

function measuredStageJson(stage: MeasuredStage): MeasuredStage {
  return {
    stageId: stage.stageId,
    name: stage.name,
    kind: stage.kind,
    reached: stage.reached,
    conversionFromPrevious: stage.conversionFromPrevious,
    conversionFromStart: stage.conversionFromStart,
    dropOff: stage.dropOff,
    dropOffRate: stage.dropOffRate,
    medianMsFromPrevious: stage.medianMsFromPrevious,
    emotion: stage.emotion,
  };
}

function measuredJson(measured: MeasuredJourneyMap): MeasuredJourneyMap {
  return {
    mapId: measured.mapId,
    from: measured.from,
    to: measured.to,
    windowMs: measured.windowMs,
    engine: measured.engine,
    entered: measured.entered,
    converted: measured.converted,
    conversionRate: measured.conversionRate,
    biggestDropOff: measured.biggestDropOff,
    stages: measured.stages.map(measuredStageJson),
  };
}

/**
 * A journey map (and its measurement) in a stable JSON form: a `format` tag and version, and every
 * object's keys in a fixed order with unset options left out, so `JSON.stringify` of the same map
 * gives the same text every time. Conditions (`where`) are kept as written.
 *
 * @example
 * ```ts
 * writeFileSync('shop-map.json', JSON.stringify(journeyMapJson(map, measured), null, 2));
 * ```
 */
export function journeyMapJson(map: JourneyMap, measured?: MeasuredJourneyMap): JourneyMapJson {
  return {
    format: 'cx.journey-map',
    version: 1,
    map: {
      id: map.id,
      name: map.name,
      ...(map.description === undefined ? {} : { description: map.description }),
      stages: map.stages.map(stageJson),
    },
    measured: measured === undefined ? null : measuredJson(measured),
  };
}
