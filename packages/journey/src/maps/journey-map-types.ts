import type { ChannelKind } from '@cx/channels';
import type { Condition } from '@cx/core/conditions';

/**
 * The canonical stages of a customer journey, in their order. A map may skip kinds or repeat one,
 * but a kind earlier than the stage before it is reported as a warning (`stage_order`).
 *
 * @example
 * ```ts
 * STAGE_KINDS.indexOf('purchase') > STAGE_KINDS.indexOf('decision'); // true
 * ```
 */
export const STAGE_KINDS = [
  'awareness',
  'consideration',
  'decision',
  'purchase',
  'retention',
  'advocacy',
] as const;

/** One of {@link STAGE_KINDS}. */
export type StageKind = (typeof STAGE_KINDS)[number];

/**
 * Where a touchpoint happens besides the channels cx delivers on: the website, the app, a store,
 * the phone, social media, paid ads, a chat, or anything else.
 *
 * @example
 * ```ts
 * OFFLINE_CHANNELS.includes('store'); // true
 * ```
 */
export const OFFLINE_CHANNELS = ['web', 'app', 'store', 'phone', 'social', 'ads', 'chat', 'other'] as const;

/** A delivery channel of `@cx/channels` or one of {@link OFFLINE_CHANNELS}. */
export type TouchpointChannel = ChannelKind | (typeof OFFLINE_CHANNELS)[number];

/** A `track` event, optionally with a condition (the shared condition language) on its properties. */
export interface TouchpointEvent {
  event: string;
  where?: Condition;
}

/** A node of a journey definition that acts at this touchpoint (the email of `abandoned-cart`). */
export interface JourneyNodeRef {
  journeyId: string;
  node: string;
}

/** A moment the customer meets the brand; it happens when any of its events happens. */
export interface Touchpoint {
  id: string;
  name: string;
  channel?: TouchpointChannel;
  events: TouchpointEvent[];
  journeyNodes?: JourneyNodeRef[];
}

/** Which survey score gives a stage its emotion. */
export type SurveyMetricKind = 'nps' | 'csat' | 'ces' | 'ces-agreement';

/**
 * How the customer feels at a stage: a score someone set (`manual`, −2 very negative … +2 very
 * positive), or one computed from survey answers in the measured period (`survey`).
 */
export type StageEmotion =
  | { source: 'manual'; score: number; note?: string }
  | {
      source: 'survey';
      survey: {
        /** The answer event; default `Survey Responded` (the `@cx/metrics` convention). */
        event?: string;
        /** Which answers belong to this stage (`{ touchpoint: 'checkout', question: 'nps' }`). */
        where?: Condition;
        metric: SurveyMetricKind;
        /** A built-in `@cx/metrics` scale id (`csat-5`); default the metric's own. */
        scale?: string;
        /** The property holding the numeric answer; default `score`. */
        scoreProperty?: string;
      };
    };

/** A stage of the journey: reached when any of its touchpoints happens. */
export interface JourneyStage {
  id: string;
  name: string;
  kind: StageKind;
  touchpoints: Touchpoint[];
  emotion?: StageEmotion;
  painPoints?: string[];
}

/** A customer-journey map, as code builds it and as JSON stores it. */
export interface JourneyMap {
  id: string;
  name: string;
  description?: string;
  stages: JourneyStage[];
}
