import { type CxEvent, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import { type CanonicalProfiles, type PersonKey, personKeySchema, personOf } from '../events/person-key';
import { createProfileResolver } from '../events/profile-resolver';
import { scanEventPages } from '../events/read-events';

/** Options of {@link buildSessions}. */
export const sessionOptionsSchema = z.object({
  /** A new session starts after this much inactivity; default 30 minutes (GA's default). */
  inactivityMs: z
    .number()
    .int()
    .positive()
    .default(30 * 60_000),
  /** Who is one person (see `personKeySchema`); default `canonical`, merged profiles counted once. */
  personKey: personKeySchema.default('canonical'),
  /** `track` event names that count as key events (conversions) for engagement. */
  keyEvents: z.array(z.string().min(1)).max(100).default([]),
  /** Inclusive start and exclusive end, epoch ms. */
  from: z.number().int().optional(),
  to: z.number().int().optional(),
});
/** See {@link sessionOptionsSchema}. */
export type SessionOptions = z.input<typeof sessionOptionsSchema>;

/** One visit: a person's behavioural events with no gap longer than the inactivity timeout. */
export interface Session {
  person: string;
  /** Epoch ms of the first and last event. */
  start: number;
  end: number;
  /** end − start. */
  durationMs: number;
  /** `page` plus `screen` events. */
  pageViews: number;
  /** Every `track`, `page` and `screen` event. */
  events: number;
  /** Key events (see `keyEvents`). */
  keyEvents: number;
  /** Names of the `track` events in the session, once each. */
  trackEvents: Set<string>;
}

interface Hit {
  ts: number;
  type: 'track' | 'page' | 'screen';
  event: string | null;
}

/**
 * Groups events into sessions: per person, time-ordered `track`, `page` and `screen` events,
 * split wherever two events are more than `inactivityMs` apart. Input order does not matter.
 * `profiles` resolves merged profiles for the `canonical` key (load its ids first when it is a
 * `ProfileResolver`); without it merges are unknown and `canonical` counts like `profile`.
 *
 * @example
 * ```ts
 * const sessions = buildSessions(events, { keyEvents: ['Order Completed'] });
 * const { bounceRate, classicBounceRate } = sessionMetrics(sessions);
 * ```
 */
export function buildSessions(
  events: Iterable<CxEvent>,
  options: SessionOptions = {},
  profiles?: CanonicalProfiles,
): Session[] {
  const opts = parseOrThrow(sessionOptionsSchema, options, 'session options');
  const byPerson = new Map<string, Hit[]>();
  for (const event of events) collect(byPerson, event, opts.personKey, profiles, opts.from, opts.to);
  return sessionsOf(byPerson, opts.inactivityMs, new Set(opts.keyEvents));
}

function collect(
  byPerson: Map<string, Hit[]>,
  event: CxEvent,
  key: PersonKey,
  profiles: CanonicalProfiles | undefined,
  from?: number,
  to?: number,
): void {
  if (event.type !== 'track' && event.type !== 'page' && event.type !== 'screen') return;
  const ts = Date.parse(event.timestamp);
  if ((from !== undefined && ts < from) || (to !== undefined && ts >= to)) return;
  const person = personOf(event, key, profiles);
  let hits = byPerson.get(person);
  if (hits === undefined) {
    hits = [];
    byPerson.set(person, hits);
  }
  hits.push({ ts, type: event.type, event: event.type === 'track' ? event.event : null });
}

function sessionsOf(byPerson: Map<string, Hit[]>, inactivityMs: number, keyEvents: Set<string>): Session[] {
  const sessions: Session[] = [];
  for (const [person, hits] of byPerson) {
    hits.sort((a, b) => a.ts - b.ts);
    let current: Session | null = null;
    for (const hit of hits) {
      if (current === null || hit.ts - current.end > inactivityMs) {
        current = {
          person,
          start: hit.ts,
          end: hit.ts,
          durationMs: 0,
          pageViews: 0,
          events: 0,
          keyEvents: 0,
          trackEvents: new Set(),
        };
        sessions.push(current);
      }
      current.end = hit.ts;
      current.durationMs = current.end - current.start;
      current.events++;
      if (hit.type !== 'track') current.pageViews++;
      else {
        current.trackEvents.add(hit.event!);
        if (keyEvents.has(hit.event!)) current.keyEvents++;
      }
    }
  }
  return sessions;
}

/**
 * Builds sessions from a workspace's stored events through `storage.events.scan`. Under the
 * `canonical` key (the default) each page's profiles are resolved through `storage.profiles`
 * (batched and cached, see `ProfileResolver`), so a visit that began anonymous and continued
 * after sign-up is one person's, and one session when no gap splits it.
 *
 * @example
 * ```ts
 * const sessions = await readSessions(storage, 'acme', { keyEvents: ['Order Completed'] });
 * conversionRate(sessions, { events: ['Order Completed'] }); // by people, merged profiles once
 * ```
 */
export async function readSessions(
  storage: Storage,
  workspaceId: string,
  options: SessionOptions = {},
): Promise<Session[]> {
  const opts = parseOrThrow(sessionOptionsSchema, options, 'session options');
  const profiles = opts.personKey === 'canonical' ? createProfileResolver(storage, workspaceId) : undefined;
  const byPerson = new Map<string, Hit[]>();
  for await (const page of scanEventPages(storage, workspaceId, {
    types: ['track', 'page', 'screen'],
    ...(opts.from === undefined ? {} : { from: opts.from }),
    ...(opts.to === undefined ? {} : { to: opts.to }),
  })) {
    await profiles?.load(page.map((event) => event.profileId));
    for (const event of page) collect(byPerson, event, opts.personKey, profiles, opts.from, opts.to);
  }
  return sessionsOf(byPerson, opts.inactivityMs, new Set(opts.keyEvents));
}
