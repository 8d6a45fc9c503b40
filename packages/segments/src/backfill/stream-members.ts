import type { CxEvent, Storage } from '@cx/core';
import { compileVersionedTrait } from '../computed/compile-computed-trait';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import { orderDefinitions, referencedSegments } from '../definition/parse-definitions';
import type { SegmentDefinition } from '../definition/segment-schema';
import { compileSegment } from '../engine/compile-segment';
import { SEGMENTS_LIBRARY } from '../engine/membership-events';
import { emptyProfileState, type ProfileSegmentState } from '../engine/profile-state';
import { applyEvent, buildModel, evaluateProfile, type Touched } from '../engine/segment-model';
import { resolveSurvivors } from '../profiles/resolve-survivors';

/** What a members computation needs besides the definition: the instant and the other definitions. */
export interface MembersContext {
  now: number;
  /** Segments `inSegment` nodes may name. */
  segments: ReadonlyMap<string, SegmentDefinition>;
  computedTraits: ReadonlyMap<string, ComputedTraitDefinition>;
}

/** The segment and every segment it refers to, directly or through others. */
export function withDependencies(
  definition: SegmentDefinition,
  segments: ReadonlyMap<string, SegmentDefinition>,
) {
  const out = new Map<string, SegmentDefinition>([[definition.id, definition]]);
  const queue = [definition];
  while (queue.length > 0) {
    for (const id of referencedSegments(queue.pop()!)) {
      const other = segments.get(id);
      if (other && !out.has(id)) {
        out.set(id, other);
        queue.push(other);
      }
    }
  }
  return [...out.values()];
}

/**
 * Members of a segment at `now`, by folding the whole event log through the real-time engine's
 * own leaf code: the backfill of adapters without SQL, and of definitions with a part SQL cannot
 * express. Events count for the profile they were merged into, as in SQL.
 */
export async function streamMembers(
  storage: Storage,
  workspaceId: string,
  definition: SegmentDefinition,
  context: MembersContext,
  onProgress?: (events: number) => void,
): Promise<string[]> {
  const { now } = context;
  const ordered = orderDefinitions(withDependencies(definition, context.segments), [
    ...context.computedTraits.values(),
  ]);
  const model = buildModel(
    ordered.map((segment) => compileSegment(segment, `${segment.id}@stream`)),
    [...context.computedTraits.values()].map((trait) => compileVersionedTrait(trait, 'stream')),
  );
  // Events count for the profile at the end of their merge chain, resolved once per profile.
  const survivors = new Map<string, string>();
  const states = new Map<string, ProfileSegmentState>();
  let position: string | null = null;
  let seen = 0;
  for (;;) {
    const page = await storage.events.readLog(workspaceId, { after: position, limit: 5000 });
    if (page.items.length === 0) break;
    const unknown = page.items
      .map((event) => event.profileId)
      .filter((id): id is string => !!id && !survivors.has(id));
    for (const [id, survivor] of await resolveSurvivors(storage, workspaceId, unknown))
      survivors.set(id, survivor);
    for (const event of page.items as CxEvent[]) {
      if (!event.profileId || event.context?.library?.name === SEGMENTS_LIBRARY) continue;
      const root = survivors.get(event.profileId)!;
      let state = states.get(root);
      if (!state) {
        state = emptyProfileState();
        states.set(root, state);
      }
      applyEvent(model, state, event, now, { segments: new Set(), traits: new Set() });
    }
    seen += page.items.length;
    onProgress?.(seen);
    position = page.position;
  }
  const members: string[] = [];
  let cursor: string | null = null;
  const all: Touched | 'all' = 'all';
  do {
    const page = await storage.profiles.list(workspaceId, { limit: 1000, cursor });
    for (const profile of page.items) {
      const state = states.get(profile.id) ?? emptyProfileState();
      evaluateProfile(model, state, profile.id, profile.traits, now, all);
      if (state.m[definition.id] !== undefined) members.push(profile.id);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return members.sort();
}
