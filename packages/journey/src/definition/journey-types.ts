import type { ChannelKind, MessageCategory, TemplateDefinition } from '@cx/channels';
import type { Condition } from '@cx/core/conditions';

/** A length of time: any of the parts, added up. */
export interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
}

/**
 * Matches an event: its name, a condition on its properties (the shared condition language), and
 * optionally the correlation keys it must carry with the instance's values (`{ cartId: 'cartId' }`:
 * the event's `properties.cartId` must equal the instance's correlation key `cartId`).
 *
 * In `correlate`, each key is a property of the awaited event (a dot path) and each value names a
 * correlation key the entry provides: `{ orderCartId: 'cartId' }` waits for an event whose
 * `properties.orderCartId` equals the instance's `cartId`.
 */
export interface EventMatch {
  event: string;
  where?: Condition;
  correlate?: Record<string, string>;
}

/** How people enter the journey. */
export type JourneyEntry =
  /** On an event; `correlation` names the event properties kept as correlation keys (`cartId`). */
  | { type: 'event'; event: string; where?: Condition; correlation?: string[] }
  /** When a profile enters (or exits) a segment. */
  | { type: 'segment'; segment: string; on: 'enter' | 'exit' }
  /** Every day or week at a local time in each person's time zone, for the members of a segment. */
  | { type: 'schedule'; every: 'day' | 'week'; at: string; weekdays?: number[]; segment: string }
  /**
   * Only through the API (`journey.enter(profileId, data)`); `correlation` names the keys of `data`
   * kept as correlation keys, as for an event entry.
   */
  | { type: 'api'; correlation?: string[] };

/** Whether and when a person may enter again. */
export interface ReentryRule {
  /** `once` ever; `after-exit` when their previous instance has ended; `always` (several at once). */
  mode: 'once' | 'after-exit' | 'always';
  /** After an exit, wait at least this long before entering again. */
  cooldown?: Duration;
}

/** At most `max` entries per `per` (a day, a week), across everyone. */
export interface EntryCap {
  max: number;
  per: 'day' | 'week' | 'journey';
}

/** A goal or an exit criterion: an event (with correlation) or entering a segment. */
export type JourneyCondition =
  | ({ kind: 'event' } & EventMatch)
  | { kind: 'segment'; segment: string; on: 'enter' | 'exit' };

/** Waits a duration. */
export interface WaitNode {
  type: 'wait';
  id: string;
  for: Duration;
  next: string;
}

/** Waits until a local time of day, on allowed weekdays (0 = Sunday), in the person's time zone. */
export interface WaitUntilTimeNode {
  type: 'wait-until-time';
  id: string;
  /** `HH:MM`. */
  at: string;
  weekdays?: number[];
  next: string;
}

/** Waits until the date held in a trait (`renewalDate`), shifted by `offset` (negative: before). */
export interface WaitUntilTraitNode {
  type: 'wait-until-trait';
  id: string;
  trait: string;
  offset?: Duration & { before?: boolean };
  next: string;
  /** Where to go when the trait is missing or not a date; default the next node at once. */
  onMissing?: string;
}

/** Waits for an event (matched by correlation key) or a segment entry, with a timeout branch. */
export interface WaitForNode {
  type: 'wait-for';
  id: string;
  until: JourneyCondition;
  timeout: Duration;
  next: string;
  onTimeout: string;
}

/** Branches on the shared condition language, segment membership, or several ways. */
export interface BranchNode {
  type: 'branch';
  id: string;
  /** Tried in order; the first that holds wins. */
  branches: { when: BranchTest; next: string }[];
  otherwise: string;
}

/** What a branch tests. */
export type BranchTest =
  /** A condition on `{ traits, entry, data }`: the profile's traits, the entry event's properties, the instance's data. */
  { condition: Condition } | { inSegment: string } | { notInSegment: string };

/** Splits people at random (deterministic by profile), with weights. */
export interface RandomSplitNode {
  type: 'random-split';
  id: string;
  paths: { weight: number; next: string }[];
  /** Seed of the split; default the journey id and node id. */
  salt?: string;
}

/** Splits people by an `@cx/abtest` experiment's variation, with an optional holdout path. */
export interface ExperimentSplitNode {
  type: 'experiment-split';
  id: string;
  experiment: string;
  /** Next node per variation key. */
  variations: Record<string, string>;
  /** People outside the experiment (holdout, traffic not included). */
  otherwise: string;
}

/** Sends a message through `@cx/channels`, with branches on what came of it. */
export interface MessageNode {
  type: 'message';
  id: string;
  /** The channel chain: first choice, then fallbacks. */
  channels: ChannelKind[];
  templates: Partial<Record<ChannelKind, string | TemplateDefinition>>;
  category?: MessageCategory;
  topic?: string;
  /** Custom template data, merged over the instance's data. */
  data?: Record<string, unknown>;
  /** Where to go once the message is handed to the outbox (without `on`, at once). */
  next: string;
  /**
   * Wait for the result: `sent`/`failed` as the outbox reports; `opened`/`clicked` within a time.
   * Without `on` the journey moves on as soon as the message is queued.
   */
  on?: {
    sent?: string;
    failed?: string;
    opened?: { within: Duration; next: string };
    clicked?: { within: Duration; next: string };
  };
}

/** Sets traits on the profile (values may be Liquid against the same scope as templates). */
export interface UpdateTraitNode {
  type: 'update-trait';
  id: string;
  set: Record<string, unknown>;
  next: string;
}

/** Calls a webhook (a POST through the runtime's `journey.webhooks` worker) and moves on at once. */
export interface WebhookNode {
  type: 'webhook';
  id: string;
  url: string;
  body?: Record<string, unknown>;
  next: string;
}

/** Ends the instance. */
export interface ExitNode {
  type: 'exit';
  id: string;
}

/** Every node type. */
export type JourneyNode =
  | WaitNode
  | WaitUntilTimeNode
  | WaitUntilTraitNode
  | WaitForNode
  | BranchNode
  | RandomSplitNode
  | ExperimentSplitNode
  | MessageNode
  | UpdateTraitNode
  | WebhookNode
  | ExitNode;

/** A journey, as code builds it and as JSON stores it. */
export interface JourneyDefinition {
  id: string;
  name?: string;
  entry: JourneyEntry;
  /** The first node. */
  start: string;
  nodes: JourneyNode[];
  /** Reaching any ends the instance at once as converted, even mid-wait. */
  goals?: (JourneyCondition & { id: string })[];
  /** Meeting any ends the instance at once, even mid-wait. */
  exitWhen?: (JourneyCondition & { id: string })[];
  reentry?: ReentryRule;
  entryCap?: EntryCap;
  /** The time zone of people without one; default `UTC`. */
  timezone?: string;
}
