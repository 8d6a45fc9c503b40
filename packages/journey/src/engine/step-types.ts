import type { ChannelKind, MessageCategory, TemplateDefinition } from '@cx/channels';
import type { JourneyCondition } from '../definition/journey-types';

/**
 * Where an instance stands. `active` is the state between `startInstance` and the `enter`
 * step, and inside a step while nodes run; a step always returns `waiting`, `completed` or `exited`.
 */
export type InstanceStatus = 'active' | 'waiting' | 'completed' | 'exited';

/** What an instance is waiting for, while `waiting`. */
export type Waiting =
  /** A timer: a wait node's end, a wait-for's timeout, a message result's window. */
  | { kind: 'timer'; node: string; at: number }
  /** An event or segment change, until `timeoutAt` (then the node's timeout branch). */
  | { kind: 'condition'; node: string; condition: JourneyCondition; timeoutAt: number }
  /**
   * The outcome of a message this node sent, until `timeoutAt` for opened/clicked windows (`null`
   * when only `sent`/`failed` are awaited: the outbox always reports one of them). `messageId` is
   * the send effect's `key`, which the runtime passes back as the `message` input's `messageId`.
   */
  | { kind: 'message'; node: string; messageId: string; timeoutAt: number | null };

/** How an instance ended: a goal (`completed`), an exit criterion or the loop guard, or an exit node. */
export interface InstanceOutcome {
  /** `goal` and `exit` name a goal or exit criterion (or `loop-guard`); `exit-node` an exit node. */
  kind: 'goal' | 'exit' | 'exit-node';
  /** The goal or exit criterion id, the exit node's id, or `loop-guard`. */
  id: string;
  at: number;
}

/** One person's run through one version of a journey. Plain JSON: it is stored as a document. */
export interface InstanceState {
  /** The instance id (the journey, version and a per-person entry sequence). */
  id: string;
  journeyId: string;
  version: number;
  profileId: string;
  status: InstanceStatus;
  /** The node the instance is at (the last one, once ended). */
  node: string;
  /** The entry event's properties (or the API's data), for templates and branch conditions. */
  entry: Record<string, unknown>;
  /** Correlation keys taken from the entry event (`{ cartId: 'c-42' }`). */
  correlation: Record<string, string>;
  /**
   * Data nodes add along the way: `messages[node]` (see `MessageRecord`), `splits[node]` (the
   * random split's chosen next node), `experiments[experiment]` (the variation, `null` outside),
   * `events[node]` (`{ name, properties }` of the event a wait-for node matched) and
   * `webhooks[node]` (how many times the instance ran a webhook node).
   */
  data: Record<string, unknown>;
  waiting: Waiting | null;
  /** How it ended. */
  outcome?: InstanceOutcome;
  enteredAt: number;
  /** Nodes visited, in order, with when (bounded by the runtime). */
  path: { node: string; at: number }[];
}

/** Something that happened to an instance. */
export type StepInput =
  /** The person entered: starts at the journey's `start`. */
  | { type: 'enter' }
  /**
   * The instance takes over from `from`, an instance of an earlier version that a new version's
   * migration map moved here: like `enter`, but it runs from `node` instead of `start` (a wait
   * restarts its duration, a message node sends), and `Journey Entered` carries `migratedFrom`.
   */
  | { type: 'migrate'; node: string; from: string }
  /**
   * A timer the instance set came due. `at`, when given, is the due time the timer was set for: a
   * timer whose `at` differs from the one the instance waits for is stale (a redelivery of an
   * earlier visit's timer of the same node) and is ignored.
   */
  | { type: 'timer'; node: string; at?: number }
  /** An event of the person (`name`, `properties`). */
  | { type: 'event'; name: string; properties: Record<string, unknown>; messageId?: string }
  /** The person entered or left a segment. */
  | { type: 'segment'; segment: string; entered: boolean }
  /**
   * What became of a message the instance sent (`Message Sent`, `Failed`, `Opened`, `Clicked`).
   * `messageId` is the send effect's `key`.
   */
  | { type: 'message'; messageId: string; outcome: 'sent' | 'failed' | 'opened' | 'clicked' };

/** The names of the events a journey records on the profile. */
export type JourneyEventName = 'Journey Entered' | 'Journey Step' | 'Journey Exited';

/** What the step asks the world to do; the runtime commits them with the new state, atomically. */
export type StepEffect =
  /** Set (or move) the instance's one timer. */
  | { type: 'timer'; at: number; node: string }
  /** Clear the instance's timer. */
  | { type: 'cancel-timer' }
  /** Send a message through `@cx/channels` (source = journey + version, step = `key`). */
  | {
      type: 'send';
      node: string;
      /**
       * `${instanceId}/${node}`, with `#2`, `#3`... on later visits of the node (a loop), so each
       * visit is its own message. The runtime uses it as the `SendRequest`'s `step` (with source
       * `journey:<id>@<version>`), so a step run twice enqueues one message, and passes it back
       * as the `message` input's `messageId`.
       */
      key: string;
      channels: ChannelKind[];
      templates: Partial<Record<ChannelKind, string | TemplateDefinition>>;
      category: MessageCategory;
      topic?: string;
      data: Record<string, unknown>;
    }
  | { type: 'update-traits'; node: string; set: Record<string, unknown> }
  /**
   * Call a webhook. `key` is made as a send's (`${instanceId}/${node}`, `#2`, `#3`... on later
   * visits): the runtime uses it as the delivery's queue key and `Idempotency-Key`, so a step run
   * twice calls the webhook once.
   */
  | { type: 'webhook'; node: string; key: string; url: string; body: Record<string, unknown> }
  /** A `Journey Entered`, `Journey Step` or `Journey Exited` event on the profile. */
  | { type: 'journey-event'; name: JourneyEventName; properties: Record<string, unknown> };

/**
 * What the step function needs to know about the person now, besides the instance. Every member
 * must be a pure read for the step to be pure: `assignVariation` is deterministic hashing in
 * `@cx/abtest`, not a call that records an exposure.
 */
export interface StepContext {
  /** The profile's traits now. */
  traits: Record<string, unknown>;
  /** The segments the profile is in now. */
  segments: ReadonlySet<string>;
  /** The person's IANA time zone (or the journey's default). */
  timezone: string;
  /** The variation of an experiment for this person, or `null` outside it (holdout). */
  assignVariation(experiment: string): string | null;
}

/** Tuning of one step; the defaults suit every journey that passes validation. */
export interface StepOptions {
  /**
   * How many nodes one step may enter before the loop guard ends the instance. Default: 100 or
   * the number of nodes, whichever is larger, so a journey without a cycle never reaches it.
   */
  maxTransitions?: number;
}

/** The result of one step. */
export interface StepResult {
  state: InstanceState;
  effects: StepEffect[];
}
