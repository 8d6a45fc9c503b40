import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import { type Interval, wilson } from '../surveys/intervals';
import type { Session } from './sessions';

/** Options of {@link conversionRate}. */
export const conversionOptionsSchema = z.object({
  /** The `track` event names that count as a conversion. */
  events: z.array(z.string().min(1)).min(1).max(100),
  /** Count unique people (the brief's conversions ÷ visitors) or sessions; default people. */
  by: z.enum(['people', 'sessions']).default('people'),
  level: z.number().min(0.5).max(0.999).default(0.95),
});
/** See {@link conversionOptionsSchema}. */
export type ConversionOptions = z.input<typeof conversionOptionsSchema>;

/** A conversion rate with its interval. */
export interface ConversionResult {
  by: 'people' | 'sessions';
  /** Visitors (people with a session) or sessions. */
  visitors: number;
  /** Those who converted. */
  conversions: number;
  rate: number | null;
  /** Wilson interval of the rate. */
  interval: Interval | null;
}

/**
 * Conversion rate = conversions ÷ visitors, by unique people (a person converts if any of their
 * sessions has a conversion event) or by sessions, with a Wilson interval. People are the
 * sessions' `person`: with the default `canonical` key of `readSessions`, merged profiles are one
 * visitor, so browsing before sign-up and buying after it is one converted visitor, not two.
 *
 * @example
 * ```ts
 * conversionRate(sessions, { events: ['Order Completed'], by: 'sessions' }).rate;
 * ```
 */
export function conversionRate(sessions: readonly Session[], options: ConversionOptions): ConversionResult {
  const opts = parseOrThrow(conversionOptionsSchema, options, 'conversion options');
  const goals = opts.events;
  const converts = (session: Session) => goals.some((goal) => session.trackEvents.has(goal));
  let visitors: number;
  let conversions: number;
  if (opts.by === 'sessions') {
    visitors = sessions.length;
    conversions = sessions.filter(converts).length;
  } else {
    const people = new Map<string, boolean>();
    for (const session of sessions)
      people.set(session.person, (people.get(session.person) ?? false) || converts(session));
    visitors = people.size;
    conversions = [...people.values()].filter(Boolean).length;
  }
  return {
    by: opts.by,
    visitors,
    conversions,
    rate: visitors === 0 ? null : conversions / visitors,
    interval: visitors === 0 ? null : wilson(conversions, visitors, opts.level),
  };
}
