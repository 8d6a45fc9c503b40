import type { CxEvent, Storage } from '@cx/core';
import { historyKey } from '../history/membership-spans';
import { SEGMENTS_LIBRARY } from './membership-events';
import { emptyProfileState } from './profile-state';
import { applyEvent, evaluateProfile, mergeStates, type SegmentModel, type Touched } from './segment-model';
import { StateBatch } from './state-batch';

/** Identity's events the engine follows (see `IDENTITY_EVENTS` in `@cx/identity`). */
const MERGED = 'Profile Merged';
const UNMERGED = 'Profile Unmerged';
const DELETED = 'Profile Deleted';
const IDENTITY_LIBRARY = '@cx/identity';

const identityEvent = (event: CxEvent) => event.type === 'track' && event.context?.library?.name === IDENTITY_LIBRARY;
const props = (event: CxEvent) => ((event as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;

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
        await mergeProfiles(batch, context, p.from, p.into, typeof p.mergeId === 'string' ? p.mergeId : undefined);
        continue;
      }
      if (event.event === UNMERGED && typeof p.from === 'string' && typeof p.into === 'string') {
        await splitProfiles(batch, context, [p.into, p.from], event);
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
    const touched: Touched = { segments: new Set(), traits: new Set() };
    applyEvent(model, state, event, now, touched);
    const changes = evaluateProfile(model, state, profileId, batch.traits(profileId), now, touched, event.type === 'identify');
    batch.record(profileId, changes, { type: 'event', messageId: event.messageId, event: eventLabel(event) }, now, names);
  }
  batch.erase.push(...erase);
  return batch;
}

const eventLabel = (event: CxEvent) => (event.type === 'track' ? event.event : event.type);

/** Moves `from`'s state into `into`: `from` leaves its segments, `into` is evaluated afresh. */
async function mergeProfiles(batch: StateBatch, context: PageContext, from: string, into: string, mergeId?: string) {
  const cause = { type: 'merge' as const, ...(mergeId ? { mergeId } : {}) };
  await batch.load([from, into]);
  if (batch.has(from)) {
    const fromState = batch.state(from);
    const exits = Object.keys(fromState.m).map((segmentId) => ({ segmentId, entered: false }));
    batch.record(from, exits, cause, context.now, context.names);
    mergeStates(context.model, batch.state(into), fromState);
    batch.drop(from);
  }
  if (context.model.usesTraits) await batch.reloadTraits([into]);
  const changes = evaluateProfile(context.model, batch.state(into), into, batch.traits(into), context.now, 'all');
  batch.record(into, changes, cause, context.now, context.names);
}

/**
 * Rebuilds the states of profiles split by an unmerge from their own events (up to the unmerge),
 * since a merged state cannot be taken apart.
 */
async function splitProfiles(batch: StateBatch, context: PageContext, profileIds: string[], unmerge: CxEvent) {
  const { storage, workspaceId, model, now } = context;
  await batch.load(profileIds);
  if (model.usesTraits) await batch.reloadTraits(profileIds);
  for (const profileId of profileIds) {
    const members = await storage.profiles.members(workspaceId, profileId);
    const state = batch.state(profileId);
    const previous = state.m;
    const rebuilt = { ...emptyProfileState(), m: previous, j: state.j, ...(state.u ? { u: state.u } : {}) };
    Object.assign(state, { s: rebuilt.s, c: rebuilt.c });
    const touched: Touched = { segments: new Set(), traits: new Set() };
    let cursor: string | null = null;
    do {
      const page = await storage.events.listByProfile(workspaceId, {
        profileIds: members,
        to: new Date(Date.parse(unmerge.timestamp) + 1),
        limit: 1000,
        cursor,
      });
      for (const event of page.items) if (event.context?.library?.name !== SEGMENTS_LIBRARY) applyEvent(model, state, event, now, touched);
      cursor = page.nextCursor;
    } while (cursor);
    const changes = evaluateProfile(model, state, profileId, batch.traits(profileId), now, 'all');
    batch.record(profileId, changes, { type: 'unmerge' }, now, context.names);
  }
}
