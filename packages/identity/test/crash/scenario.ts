import type { Storage } from '@cx/core';
import { type Identity, type IdentityConfigInput, isIdentityEvent } from '../../src';

/*
 * The crash tests' workload: batches of Segment calls from a handful of people and visitors,
 * with everything ingest writes: new profiles, identifiers joining known profiles, merges of two
 * known profiles, trait updates by strategy (a `sum` that a replay would double), consent
 * changes, and a suppression between batches.
 */

export const WS = 'acme';
export const CONFIG: IdentityConfigInput = { traits: { strategies: { points: 'sum' } } };
const BASE = Date.parse('2026-03-01T10:00:00Z');

/** One step a client (or an operator) takes, retried until it is answered. */
export type Step =
  | { kind: 'ingest'; events: Record<string, unknown>[] }
  | { kind: 'suppress'; ref: { type: string; value: string } };

export function scenario(): Step[] {
  let n = 0;
  const at = () => new Date(BASE + n * 1000).toISOString();
  const call = (body: Record<string, unknown>) => ({ messageId: `m-${++n}`, timestamp: at(), ...body });
  const track = (ids: Record<string, unknown>, event = 'Product Viewed') =>
    call({ type: 'track', event, ...ids });
  const identify = (
    ids: Record<string, unknown>,
    traits: Record<string, unknown>,
    consent?: Record<string, boolean>,
  ) =>
    call({
      type: 'identify',
      ...ids,
      traits,
      ...(consent ? { context: { consent: { categoryPreferences: consent } } } : {}),
    });
  return [
    // First sightings: visitors and two signed-in people.
    {
      kind: 'ingest',
      events: [
        track({ anonymousId: 'v1' }),
        track({ anonymousId: 'v2' }),
        identify({ userId: 'u1' }, { email: 'an@example.com', plan: 'free', points: 10 }, { ads: true }),
        identify({ userId: 'u2' }, { email: 'binh@example.com', points: 5 }),
        track({ anonymousId: 'v3' }),
        track({ anonymousId: 'v7' }, 'Cart Viewed'),
      ],
    },
    // A visitor signs in as a known person (a merge), another gives their email (joins a profile).
    {
      kind: 'ingest',
      events: [
        identify({ userId: 'u1', anonymousId: 'v1' }, { points: 7 }),
        identify({ anonymousId: 'v2' }, { email: 'chi@example.com', points: 1 }),
        track({ userId: 'u2' }, 'Order Completed'),
        identify({ userId: 'u2' }, { plan: 'pro' }, { ads: false, email: true }),
      ],
    },
    { kind: 'suppress', ref: { type: 'anonymous_id', value: 'v3' } },
    // Two known profiles linked by one event, a suppressed visitor, consent withdrawn.
    {
      kind: 'ingest',
      events: [
        identify({ userId: 'u3', anonymousId: 'v2' }, { points: 2 }),
        track({ anonymousId: 'v3' }),
        identify({ userId: 'u1' }, { points: 3 }, { ads: false }),
        track({ userId: 'u3', anonymousId: 'v4' }),
        call({ type: 'alias', userId: 'u2', previousId: 'v5' }),
      ],
    },
    {
      kind: 'ingest',
      events: [
        track({ anonymousId: 'v5' }),
        identify({ userId: 'u3' }, { plan: 'pro', points: 4 }),
        identify({ anonymousId: 'v6', userId: 'u4' }, { email: 'dung@example.com' }),
        track({ userId: 'u4' }, 'Order Completed'),
        identify({ userId: 'u2', anonymousId: 'v7' }, { points: 8 }),
      ],
    },
  ];
}

/** Runs one step; the outcome matters only for errors. */
export async function runStep(identity: Identity, step: Step): Promise<void> {
  if (step.kind === 'ingest') {
    const result = await identity.ingest(WS, step.events);
    const bad = result.results.filter((r) => r.status === 'rejected');
    if (bad.length > 0) throw new Error(`unexpected rejections: ${JSON.stringify(bad)}`);
  } else {
    await identity.suppress(WS, step.ref);
  }
}

/** Every identifier the scenario uses, as profile references. */
export function referencesOf(steps: Step[]): { type: string; value: string }[] {
  const refs = new Map<string, { type: string; value: string }>();
  const add = (type: string, value: unknown) => {
    if (typeof value === 'string') refs.set(`${type}:${value}`, { type, value });
  };
  for (const step of steps) {
    if (step.kind === 'suppress') continue;
    for (const event of step.events) {
      add('user_id', event.userId);
      add('anonymous_id', event.anonymousId);
      add('anonymous_id', event.previousId);
      add('email', (event.traits as { email?: unknown } | undefined)?.email);
    }
  }
  return [...refs.values()];
}

/**
 * Everything the scenario leaves behind, keyed by identifiers rather than by profile ids (which
 * differ between runs): each person's identifiers, traits with their metadata and history,
 * consent, suppression, events and decisions; which person each stored event belongs to; and the
 * identity events and documents of the workspace.
 */
export async function snapshot(storage: Storage, identity: Identity, steps: Step[]) {
  const people: Record<string, unknown> = {};
  for (const ref of referencesOf(steps)) {
    const profile = await identity.getProfile(WS, ref);
    if (!profile) {
      people[`${ref.type}:${ref.value}`] = null;
      continue;
    }
    const decisions = await identity.listDecisions(WS, ref);
    const keys = profile.identifiers.map((i) => `${i.type}:${i.value}`).sort();
    people[`${ref.type}:${ref.value}`] = {
      identifiers: keys,
      traits: profile.traits,
      traitHistory: profile.traitHistory,
      consent: profile.consent,
      suppressed: profile.suppressed,
      mergedProfiles: profile.mergedProfileIds.length,
      eventCounts: profile.eventCounts,
      decisions: decisions.map((d) => `${d.kind}/${d.rule}`).sort(),
    };
  }
  const log = (await storage.events.scan(WS, { limit: 1000 })).items;
  const owners: Record<string, string> = {};
  for (const event of log) {
    if (isIdentityEvent(event) || event.profileId == null) continue;
    const canonical = await identity.getProfile(WS, { profileId: event.profileId });
    owners[event.messageId] = canonical!.identifiers
      .map((i) => `${i.type}:${i.value}`)
      .sort()
      .join(',');
  }
  const identityEvents = log.filter(isIdentityEvent).map((event) => (event as { event: string }).event);
  const documents: Record<string, number> = {};
  for (const collection of [
    'identity.profile-state',
    'identity.decisions',
    'identity.merges',
    'identity.links',
    'identity.flags',
    'identity.suppressions',
    'identity.meta',
  ]) {
    documents[collection] = (await storage.documents.list(WS, collection, { limit: 1000 })).items.length;
  }
  return { people, owners, identityEvents, documents };
}
