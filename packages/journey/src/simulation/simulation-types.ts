import type { ChannelKind, ChannelsOptions } from '@cx/channels';
import type { CxEvent, Storage, Traits } from '@cx/core';
import type { StepDependencies } from '../runtime/apply-step';
import type { JourneyStats, NodeStats } from '../runtime/journey-stats';

/** A workspace's stored event log to read the history from (a time range of it). */
export interface SimulationSource {
  storage: Storage;
  workspaceId: string;
  /** Inclusive lower bound on the events' `timestamp`. */
  from?: string | number | Date;
  /** Exclusive upper bound on the events' `timestamp`. */
  to?: string | number | Date;
}

/**
 * The `@cx/channels` configuration the simulated sends go through: the production one, so caps,
 * quiet hours, topics, consent and defaults decide as they would have. Adapters, the clock and
 * randomness are the simulation's own.
 */
export type SimulationChannelsOptions = Omit<
  ChannelsOptions,
  'storage' | 'workspaceId' | 'adapters' | 'providers' | 'clock' | 'random' | 'onError'
>;

/** Options of {@link simulateJourney}. */
export interface SimulationOptions {
  /**
   * The history: stored events (an array or an async iterable, any order), or a source storage to
   * read them from with `events.scan`. Events the journey runtime and `@cx/channels` wrote
   * (`Journey …`, `Message …`) are skipped: the simulation makes its own.
   */
  events: Iterable<CxEvent> | AsyncIterable<CxEvent> | SimulationSource;
  /**
   * Traits per profile id. Default: read from the source storage when `events` is one, else every
   * profile of the history with no traits.
   */
  profiles?: Record<string, Traits>;
  /** Contact pressure, topics, defaults, links…: the production channels configuration. */
  channels?: SimulationChannelsOptions;
  /**
   * Run timers and the outbox up to this time. Default: the last event plus the longest time one
   * path through the journey can wait (see {@link journeyHorizonMs}).
   */
  until?: string | number | Date;
  /** The time zone of people without a `timezone` trait (quiet hours, local caps); default `channels.defaults.timezone`, else `UTC`. */
  timezone?: string;
  /** The segments a profile is in (for branches on segment membership); default none. */
  segmentsOf?: StepDependencies['segmentsOf'];
  /** The variation of an experiment for a person (experiment splits); default `null` (holdout). */
  assignVariation?: StepDependencies['assignVariation'];
}

/** Messages a contact-pressure rule held or dropped. */
export interface RuleHits {
  /** Messages the rule held at least once (they may have gone out later). */
  held: number;
  /** Messages the rule dropped. */
  dropped: number;
}

/** Sends per channel. */
export type ChannelCounts = Partial<Record<ChannelKind, number>>;

/** What running a journey over a history gave. */
export interface SimulationReport {
  journeyId: string;
  /** The simulated time span: the first event, the last event and where timers ran to (UTC ISO; `null` without events). */
  period: { first: string | null; last: string | null; until: string };
  /** Events of the history read, replayed into the journey, and skipped (written by journeys or channels). */
  events: { read: number; replayed: number; skipped: number };
  /** Profiles copied into the simulation. */
  profiles: number;
  instances: JourneyStats['instances'];
  /** Per node: entered, left, waiting at `until`, converted, dropped off. */
  nodes: Record<string, NodeStats>;
  /** Per goal: instances that reached it, and that over the instances entered. */
  goals: Record<string, { count: number; rate: number }>;
  /** Instances that reached any goal over the instances entered. */
  conversionRate: number;
  /** Messages the recording adapters took, per channel and per message node. */
  sends: { total: number; byChannel: ChannelCounts; byNode: Record<string, ChannelCounts> };
  /** Calls of webhook nodes, per node: recorded in place of the receiver, never sent. */
  webhooks: { total: number; byNode: Record<string, number> };
  /** Every message the journey handed to the outbox, by where it stands at `until`. */
  messages: {
    enqueued: number;
    sent: number;
    failed: number;
    suppressed: number;
    dropped: number;
    /** Still queued or held at `until`. */
    pending: number;
  };
  /** Per contact-pressure rule id (frequency caps, quiet hours). */
  pressure: Record<string, RuleHits>;
  /** Messages consent stopped, per consent rule. */
  suppressed: Record<string, number>;
}
