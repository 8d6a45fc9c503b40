import type { CxEvent, Identifier, ProfileRecord, Traits } from '@cx/core';
import { COLLECTIONS } from '../collections';
import { isIdentityEvent } from '../events/identity-events';
import { isSuppressed, type SuppressionRecord } from '../privacy/suppression';
import type { IdentityRuntime } from '../runtime';
import { loadStates, type TraitChange } from './profile-state';

/** Adds data of another package (segment memberships, journeys, messages) to the 360° view. */
export type ProfileExtension = (workspaceId: string, profile: Profile360) => Promise<unknown>;

/** Everything known about a person in one read: the single customer view. */
export interface Profile360 {
  /** The canonical profile id. */
  id: string;
  identifiers: Identifier[];
  traits: Traits;
  /** Consent per category: latest wins; `conflict` when merged profiles disagree. */
  consent: Record<string, boolean | 'conflict'>;
  /** Ids of the profiles merged into this one. */
  mergedProfileIds: string[];
  /** True while the person's events are blocked. */
  suppressed: boolean;
  /** Timestamp of the earliest and latest event, or `null` without events. */
  firstSeen: string | null;
  lastSeen: string | null;
  eventCounts: {
    total: number;
    /** By call type: `track`, `page`, `identify`... */
    byType: Record<string, number>;
    /** By `track` event name. */
    byName: Record<string, number>;
  };
  /** From `Order Completed` (configurable): `revenue`, else `total`, per `currency`. */
  revenue: { total: number; orders: number; byCurrency: Record<string, number> };
  /** The latest events, newest first. */
  recentEvents: CxEvent[];
  /** Earlier values of each trait (value, time, source), oldest first, the current one last. */
  traitHistory: Record<string, TraitChange[]>;
  createdAt: string;
  updatedAt: string;
  /** What registered extensions added, by extension name. */
  extensions: Record<string, unknown>;
}

/** Reads every event of the person (all merged members) newest first. */
export async function readAllEvents(
  runtime: IdentityRuntime,
  workspaceId: string,
  profileIds: readonly string[],
  visit: (event: CxEvent) => void,
): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await runtime.storage.events.listByProfile(workspaceId, {
      profileIds,
      order: 'desc',
      limit: 10_000,
      cursor,
    });
    for (const event of page.items) visit(event);
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/**
 * Builds the 360° view of a canonical profile: its members, state and suppression in
 * concurrent reads, then one pass over the person's events for counts, revenue and recency.
 */
export async function buildProfile360(
  runtime: IdentityRuntime,
  workspaceId: string,
  record: ProfileRecord,
  extensions: ReadonlyMap<string, ProfileExtension>,
): Promise<Profile360> {
  const { storage, config } = runtime;
  const members = await storage.profiles.members(workspaceId, record.id);
  const [states, suppression] = await Promise.all([
    loadStates(storage.documents, workspaceId, [record.id]),
    storage.documents.get<SuppressionRecord>(workspaceId, COLLECTIONS.suppressions, record.id),
  ]);
  const state = states.get(record.id)!.state;
  const profile: Profile360 = {
    id: record.id,
    identifiers: record.identifiers,
    traits: record.traits,
    consent: Object.fromEntries(Object.entries(state.consent).map(([k, v]) => [k, v.value])),
    mergedProfileIds: members.filter((id) => id !== record.id),
    suppressed: isSuppressed(suppression?.value),
    firstSeen: null,
    lastSeen: null,
    eventCounts: { total: 0, byType: {}, byName: {} },
    revenue: { total: 0, orders: 0, byCurrency: {} },
    recentEvents: [],
    traitHistory: Object.fromEntries(
      Object.entries(state.traits).map(([name, meta]) => [
        name,
        [...meta.history, { value: meta.value, at: meta.at, source: meta.source }],
      ]),
    ),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    extensions: {},
  };
  const counts = profile.eventCounts;
  await readAllEvents(runtime, workspaceId, members, (event) => {
    // What the person did: identity's own events (merges...) are in the log, not in these figures.
    if (isIdentityEvent(event)) return;
    if (profile.lastSeen === null) profile.lastSeen = event.timestamp;
    profile.firstSeen = event.timestamp;
    counts.total++;
    counts.byType[event.type] = (counts.byType[event.type] ?? 0) + 1;
    if (event.type === 'track') {
      counts.byName[event.event] = (counts.byName[event.event] ?? 0) + 1;
      if (event.event === config.revenueEvent) {
        const props = event.properties ?? {};
        const amount = typeof props.revenue === 'number' ? props.revenue : props.total;
        if (typeof amount === 'number' && Number.isFinite(amount)) {
          const currency = typeof props.currency === 'string' ? props.currency.toUpperCase() : 'unknown';
          profile.revenue.total += amount;
          profile.revenue.orders++;
          profile.revenue.byCurrency[currency] = (profile.revenue.byCurrency[currency] ?? 0) + amount;
        }
      }
    }
    if (profile.recentEvents.length < config.recentEvents) profile.recentEvents.push(event);
  });
  const names = [...extensions.keys()];
  const added = await Promise.all(names.map((name) => extensions.get(name)!(workspaceId, profile)));
  names.forEach((name, i) => {
    profile.extensions[name] = added[i];
  });
  return profile;
}
