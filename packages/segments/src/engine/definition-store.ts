import { newId, type Page, type Storage, type StoredDocument } from '@cx/core';
import { compileVersionedTrait } from '../computed/compile-computed-trait';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import { orderDefinitions } from '../definition/parse-definitions';
import type { SegmentDefinition } from '../definition/segment-schema';
import { type CompiledSegment, compileSegment } from './compile-segment';
import { buildModel, type SegmentModel } from './segment-model';

/** Collections of definitions. */
export const SEGMENT_DEFINITIONS = 'segments.definitions';
export const COMPUTED_TRAIT_DEFINITIONS = 'segments.traits';

/**
 * A stored segment. `live` is what the real-time engine runs; a new or edited definition waits
 * in `pending` while it is replayed over the log (and its members settled), then becomes live.
 */
export interface StoredSegment {
  live?: { definition: SegmentDefinition; version: number };
  pending?: {
    definition: SegmentDefinition;
    version: number;
    /** Log position replayed up to, then the profile cursor of the settle pass. */
    replayed: string | null;
    replayedEvents: number;
    settling?: { phase: 'states' | 'profiles'; cursor: string | null; profiles: number };
  };
  removed?: boolean;
}

/** A stored computed trait; a new version replays like a segment. */
export interface StoredComputedTrait {
  live?: { definition: ComputedTraitDefinition; version: number };
  pending?: {
    definition: ComputedTraitDefinition;
    version: number;
    replayed: string | null;
    replayedEvents: number;
  };
}

/**
 * One document whose value changes whenever any definition does (saved, made live, removed):
 * engines read it to know when to reload their compiled definitions.
 */
export const DEFINITIONS_CHANGED = { collection: 'segments.registry', key: 'changed' } as const;

/** The registry write that tells every engine to reload. */
export const definitionsChanged = () => ({ ...DEFINITIONS_CHANGED, value: newId() });

/** The versioned key of a segment's leaf states: old versions' states are simply not read. */
export const stateKey = (id: string, version: number | string) => `${id}@${version}`;

/** Reads every stored definition of a workspace. */
export async function loadDefinitions(storage: Storage, workspaceId: string) {
  const segments: StoredDocument<StoredSegment>[] = [];
  const traits: StoredDocument<StoredComputedTrait>[] = [];
  for (const [collection, out] of [
    [SEGMENT_DEFINITIONS, segments],
    [COMPUTED_TRAIT_DEFINITIONS, traits],
  ] as const) {
    let cursor: string | null = null;
    do {
      const page: Page<StoredDocument> = await storage.documents.list(workspaceId, collection, {
        limit: 1000,
        cursor,
      });
      (out as StoredDocument[]).push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return { segments, traits };
}

/** Both models of a workspace: what runs live, and live plus pending (for replay and settling). */
export interface Models {
  live: SegmentModel;
  /** Live definitions with each pending one in place of its live version. */
  next: SegmentModel;
  /** Ids of pending segments and computed traits. */
  pendingSegments: Set<string>;
  pendingTraits: Set<string>;
}

/** Compiles the stored definitions into the live and the next model. */
export function compileModels(
  segments: readonly StoredSegment[],
  traits: readonly StoredComputedTrait[],
): Models {
  const liveSegments = segments.filter((s) => s.live && !s.removed).map((s) => s.live!);
  const nextSegments = segments
    .filter((s) => !s.removed && (s.pending ?? s.live))
    .map((s) => (s.pending ?? s.live)!);
  const liveTraits = traits.filter((t) => t.live).map((t) => t.live!);
  const nextTraits = traits.map((t) => (t.pending ?? t.live)!);
  const model = (chosen: typeof liveSegments, chosenTraits: typeof liveTraits) => {
    const versions = new Map(chosen.map((s) => [s.definition.id, s.version]));
    const ordered = safeOrder(
      chosen.map((s) => s.definition),
      chosenTraits.map((t) => t.definition),
    );
    const compiled: CompiledSegment[] = ordered.map((definition) =>
      compileSegment(definition, stateKey(definition.id, versions.get(definition.id)!)),
    );
    return buildModel(
      compiled,
      chosenTraits.map((t) => compileVersionedTrait(t.definition, String(t.version))),
    );
  };
  return {
    live: model(liveSegments, liveTraits),
    next: model(nextSegments, nextTraits),
    pendingSegments: new Set(
      segments.filter((s) => s.pending && !s.removed).map((s) => s.pending!.definition.id),
    ),
    pendingTraits: new Set(traits.filter((t) => t.pending).map((t) => t.pending!.definition.id)),
  };
}

/**
 * Orders definitions by dependency. A live set whose reference is pending (not live yet) drops
 * the dependent until the reference is live, rather than evaluate it against nothing.
 */
function safeOrder(segments: SegmentDefinition[], traits: ComputedTraitDefinition[]): SegmentDefinition[] {
  let current = segments;
  for (;;) {
    try {
      return orderDefinitions(current, traits);
    } catch (error) {
      const issues = (error as { issues?: { path: string; code: string }[] }).issues ?? [];
      const bad = new Set(issues.filter((i) => i.code !== 'segment_cycle').map((i) => i.path.split('.')[0]));
      if (bad.size === 0) throw error;
      current = current.filter((s) => !bad.has(s.id));
    }
  }
}
