import type { CxEvent, Storage } from '@cx/core';
import { historyKey } from '../history/membership-spans';
import { type MembershipCause, SEGMENTS_LIBRARY } from './membership-events';
import { applyEvent, evaluateProfile, type SegmentModel, type Touched } from './segment-model';
import { StateBatch } from './state-batch';

/** Identity's events the engine follows (see `IDENTITY_EVENTS` in `@cx/identity`). */
const MERGED = 'Profile Merged';
const UNMERGED = 'Profile Unmerged';
const DELETED = 'Profile Deleted';
const IDENTITY_LIBRARY = '@cx/identity';

const identityEvent = (event: CxEvent) =>
  event.type === 'track' && event.context?.library?.name === IDENTITY_LIBRARY;
const props = (event: CxEvent) =>
  ((event as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;

/** What a page step needs besides the events. */
export interface PageContext {
  storage: Storage;
  workspaceId: string;
  model: SegmentModel;
  now: number;
  /** Segment id → name, for the events. */
  names: (id: string) => string;
}

/**
 * Applies a page of the log to the profiles it names: leaf states, memberships, merges, unmerges
 * and deletions, in log order. Returns the batch to commit (with the consumer's checkpoint).
 */
export async function applyPage(events: readonly CxEvent[], context: PageContext): Promise<StateBatch> {
  const { storage, workspaceId, model, now, names } = context;
  const batch = new StateBatch(storage, workspaceId, model);
  const ids = new Set<string>();
  for (const event of events) {
    if (event.profileId) ids.add(event.profileId);
    if (identityEvent(event)) {
      const p = props(event);
      for (const key of ['from', 'into']) if (typeof p[key] === 'string') ids.add(p[key] as string);
      if (Array.isArray(p.profileIds)) for (const id of p.profileIds) if (typeof id === 'string') ids.add(id);
    }
  }
  await batch.load(ids);
  const erase: string[] = [];

  for (const event of events) {
    if (identityEvent(event) && event.type === 'track') {
      const p = props(event);
      if (event.event === MERGED && typeof p.from === 'string' && typeof p.into === 'string') {
        await mergeProfiles(batch, context, p.from, p.into, event);
        continue;
      }
      if (event.event === UNMERGED && typeof p.from === 'string' && typeof p.into === 'string') {
        await rebuildProfiles(batch, context, [p.into, p.from], event, { type: 'unmerge' });
        continue;
      }
      if (event.event === DELETED && Array.isArray(p.profileIds)) {
        for (const id of p.profileIds as string[]) {
          if (!batch.has(id)) continue;
          for (const segmentId of batch.state(id).j) erase.push(historyKey(segmentId, id));
          batch.drop(id);
        }
        continue;
      }
    }
    const profileId = event.profileId;
    if (!profileId || event.context?.library?.name === SEGMENTS_LIBRARY) continue;
    const state = batch.state(profileId);
    if (event.userId !== undefined || event.anonymousId !== undefined) {
      state.u = event.userId !== undefined ? { userId: event.userId } : { anonymousId: event.anonymousId! };
    }
    if (state.n !== undefined && state.n <= now) {
      // A time check is overdue (its item has not run yet): do it first, as it would have.
      const due = evaluateProfile(model, state, profileId, batch.traits(profileId), now, 'all');
      batch.record(profileId, due, { type: 'time' }, state.n, names);
      delete state.n;
    }
    const touched: Touched = { segments: new Set(), traits: new Set() };
    applyEvent(model, state, event, now, touched);
    const changes = evaluateProfile(
      model,
      state,
      profileId,
      batch.traits(profileId),
      now,
      touched,
      event.type === 'identify',
    );
    batch.record(
      profileId,
      changes,
      { type: 'event', messageId: event.messageId, event: eventLabel(event) },
      now,
      names,
    );
  }
  batch.erase.push(...erase);
  return batch;
}

const eventLabel = (event: CxEvent) => (event.type === 'track' ? event.event : event.type);

/**
 * A merge: `from` leaves its segments and its state is dropped; `into`'s state is rebuilt from
 * the events of both (up to the merge), since a sequence may run across the two histories and
 * windows kept on each side may have let go of events the other side's needs.
 */
async function mergeProfiles(
  batch: StateBatch,
  context: PageContext,
  from: string,
  into: string,
  merge: CxEvent,
) {
  const p = props(merge);
  const cause = { type: 'merge' as const, ...(typeof p.mergeId === 'string' ? { mergeId: p.mergeId } : {}) };
  await batch.load([from, into]);
  if (batch.has(from)) {
    const fromState = batch.state(from);
    const exits = Object.keys(fromState.m).map((segmentId) => ({ segmentId, entered: false }));
    batch.record(from, exits, cause, context.now, context.names);
    batch.state(into).j = [...new Set([...batch.state(into).j, ...fromState.j])];
    batch.drop(from);
  }
  await rebuildProfiles(batch, context, [into], merge, cause);
}

/**
 * Rebuilds the states of profiles from their own events (up to `until`'s time) and re-evaluates
 * them: after an unmerge split one history in two, or a merge joined two.
 */
async function rebuildProfiles(
  batch: StateBatch,
  context: PageContext,
  profileIds: string[],
  until: CxEvent,
  cause: MembershipCause,
) {
  const { storage, workspaceId, model, now } = context;
  await batch.load(profileIds);
  if (model.usesTraits) await batch.reloadTraits(profileIds);
  for (const profileId of profileIds) {
    const members = await storage.profiles.members(workspaceId, profileId);
    const state = batch.state(profileId);
    Object.assign(state, { s: {}, c: {} });
    const touched: Touched = { segments: new Set(), traits: new Set() };
    let cursor: string | null = null;
    do {
      const page = await storage.events.listByProfile(workspaceId, {
        profileIds: members,
        to: new Date(Date.parse(until.timestamp) + 1),
        limit: 1000,
        cursor,
      });
      for (const event of page.items) {
        if (event.context?.library?.name !== SEGMENTS_LIBRARY) applyEvent(model, state, event, now, touched);
      }
      cursor = page.nextCursor;
    } while (cursor);
    const changes = evaluateProfile(model, state, profileId, batch.traits(profileId), now, 'all');
    batch.record(profileId, changes, cause, now, context.names);
  }
}
