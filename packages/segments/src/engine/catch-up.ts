import {
  CONSUMER_CHECKPOINTS,
  type ConsumerCheckpoint,
  type CxEvent,
  isCxError,
  type PutDocumentInput,
  type Storage,
} from '@cx/core';
import {
  COMPUTED_TRAIT_DEFINITIONS,
  compileModels,
  definitionsChanged,
  loadDefinitions,
  SEGMENT_DEFINITIONS,
  type StoredComputedTrait,
  type StoredSegment,
} from './definition-store';
import { SEGMENTS_LIBRARY } from './membership-events';
import { PROFILE_STATE } from './profile-state';
import { applyEvent, evaluateProfile, type Touched } from './segment-model';
import { StateBatch } from './state-batch';

/** Progress of bringing new definitions live. */
export interface CatchUpProgress {
  /** Definitions still pending. */
  pending: string[];
  /** Events replayed so far, and how many are left before the real-time consumer's position. */
  replayedEvents: number;
  remainingEvents: number;
  /** Profiles settled so far (the pass that records the first memberships). */
  settledProfiles: number;
}

/** Options of {@link catchUpStep}. */
export interface CatchUpContext {
  storage: Storage;
  workspaceId: string;
  /** The real-time consumer's name, whose checkpoint fences every step. */
  consumer: string;
  now: () => number;
  pageSize: number;
}

/**
 * One step of bringing pending definitions live, resumable after a crash at any point:
 * 1. replay the log, from the start up to the real-time consumer's checkpoint, into the new
 *    definitions' leaf states (the real-time consumer skips pending definitions, so no event is
 *    applied twice);
 * 2. settle: evaluate every profile once and record its memberships (cause `definition`);
 * 3. make them live.
 * Each step commits with the consumer's checkpoint rewritten under its version: if the consumer
 * moved meanwhile, the step is refused and runs again against the new position.
 * Returns `false` when nothing is pending.
 */
export async function catchUpStep(context: CatchUpContext): Promise<CatchUpProgress | false> {
  const { storage, workspaceId, pageSize } = context;
  const stored = await loadDefinitions(storage, workspaceId);
  const allSegments = stored.segments.filter((doc) => doc.value.pending && !doc.value.removed);
  const allTraits = stored.traits.filter((doc) => doc.value.pending);
  if (allSegments.length === 0 && allTraits.length === 0) return false;
  // Definitions saved together replay together; one saved later waits for the group before it.
  const lead = (allSegments[0]?.value.pending ?? allTraits[0]!.value.pending)!;
  const sameGroup = (pending: { replayed: string | null; replayedEvents: number; settling?: unknown }) =>
    pending.replayed === lead.replayed &&
    pending.replayedEvents === lead.replayedEvents &&
    JSON.stringify((pending as { settling?: unknown }).settling) ===
      JSON.stringify((lead as { settling?: unknown }).settling);
  const pendingSegments = allSegments.filter((doc) => sameGroup(doc.value.pending!));
  const pendingTraits = allTraits.filter((doc) => sameGroup(doc.value.pending!));
  const models = compileModels(
    stored.segments.map((doc) => doc.value),
    stored.traits.map((doc) => doc.value),
  );
  const checkpointDoc = await storage.documents.get<ConsumerCheckpoint>(
    workspaceId,
    CONSUMER_CHECKPOINTS,
    context.consumer,
  );
  const checkpoint: ConsumerCheckpoint = checkpointDoc?.value ?? { position: null, applied: 0 };
  const fence: PutDocumentInput = {
    collection: CONSUMER_CHECKPOINTS,
    key: context.consumer,
    value: checkpoint,
    expectedVersion: checkpointDoc?.version ?? 0,
  };
  // Every pending definition replays together, from the least advanced position.
  const first = pendingSegments[0]?.value.pending ?? pendingTraits[0]!.value.pending!;
  const position = first.replayed;
  const replayedEvents = first.replayedEvents;
  const only = new Set([...pendingSegments.map((doc) => doc.key), ...pendingTraits.map((doc) => doc.key)]);
  const now = context.now();
  const names = (id: string) =>
    models.next.segments.find((s) => s.definition.id === id)?.definition.name ?? id;

  const remaining =
    (await storage.events.countAfter(workspaceId, position)) -
    (await storage.events.countAfter(workspaceId, checkpoint.position));
  const progress = (settled: number, left: number): CatchUpProgress => ({
    pending: [...only],
    replayedEvents,
    remainingEvents: left,
    settledProfiles: settled,
  });

  const updateAll = (change: (pending: NonNullable<StoredSegment['pending']>) => void, live = false) => [
    ...pendingSegments.map((doc) => {
      const value = structuredClone(doc.value);
      if (live) {
        value.live = { definition: value.pending!.definition, version: value.pending!.version };
        delete value.pending;
      } else change(value.pending!);
      return { collection: SEGMENT_DEFINITIONS, key: doc.key, value, expectedVersion: doc.version };
    }),
    ...pendingTraits.map((doc) => {
      const value: StoredComputedTrait = structuredClone(doc.value);
      if (live) {
        value.live = { definition: value.pending!.definition, version: value.pending!.version };
        delete value.pending;
      } else change(value.pending! as unknown as NonNullable<StoredSegment['pending']>);
      return { collection: COMPUTED_TRAIT_DEFINITIONS, key: doc.key, value, expectedVersion: doc.version };
    }),
  ];

  const commit = async (input: Parameters<Storage['commit']>[1]) => {
    try {
      await storage.commit(workspaceId, input);
    } catch (error) {
      if (!isCxError(error, 'CONFLICT')) throw error; // the consumer moved: the next step replans
    }
  };

  if (remaining > 0) {
    const page = await storage.events.readLog(workspaceId, {
      after: position,
      limit: Math.min(pageSize, remaining),
    });
    const batch = new StateBatch(storage, workspaceId, models.next);
    await batch.load(page.items.map((event) => event.profileId).filter((id): id is string => !!id));
    for (const event of page.items as CxEvent[]) {
      if (!event.profileId || event.context?.library?.name === SEGMENTS_LIBRARY) continue;
      const touched: Touched = { segments: new Set(), traits: new Set() };
      applyEvent(models.next, batch.state(event.profileId), event, now, touched, only);
    }
    const input = await batch.commitInput(now);
    await commit({
      documents: [
        ...(input.documents ?? []),
        ...updateAll((pending) => {
          pending.replayed = page.position;
          pending.replayedEvents += page.items.length;
        }),
        fence,
      ],
      schedule: input.schedule ?? [],
      cancel: input.cancel ?? [],
    });
    return progress(0, remaining - page.items.length);
  }

  // Settling walks the profiles with a state (every one the replay saw), then the profile store
  // (profiles with traits but no events yet), evaluating each once.
  const settling = pendingSegments[0]?.value.pending?.settling ?? {
    phase: 'states' as const,
    cursor: null,
    profiles: 0,
  };
  const limit = Math.min(pageSize, 500);
  const profiles =
    pendingSegments.length === 0
      ? { items: [], nextCursor: null }
      : settling.phase === 'states'
        ? await storage.documents
            .list(workspaceId, PROFILE_STATE, { limit, cursor: settling.cursor })
            .then((page) => ({
              items: page.items.filter((doc) => doc.value !== null).map((doc) => ({ id: doc.key })),
              nextCursor: page.nextCursor,
            }))
        : await storage.profiles.list(workspaceId, { limit, cursor: settling.cursor });
  const batch = new StateBatch(storage, workspaceId, models.next);
  await batch.load(profiles.items.map((profile) => profile.id));
  const touched: Touched = {
    segments: new Set(pendingSegments.map((doc) => doc.key)),
    traits: new Set(pendingTraits.map((doc) => doc.key)),
  };
  const versions = new Map(pendingSegments.map((doc) => [doc.key, doc.value.pending!.version]));
  for (const profile of profiles.items) {
    const state = batch.state(profile.id);
    const changes = evaluateProfile(models.next, state, profile.id, batch.traits(profile.id), now, touched);
    for (const change of changes) {
      batch.record(
        profile.id,
        [change],
        { type: 'definition', version: versions.get(change.segmentId) ?? 0 },
        now,
        names,
      );
    }
  }
  const input = await batch.commitInput(now);
  const done = profiles.nextCursor === null && settling.phase === 'profiles';
  const nextSettling =
    profiles.nextCursor === null
      ? { phase: 'profiles' as const, cursor: null, profiles: settling.profiles + profiles.items.length }
      : {
          phase: settling.phase,
          cursor: profiles.nextCursor,
          profiles: settling.profiles + profiles.items.length,
        };
  await commit({
    documents: [
      ...(input.documents ?? []),
      ...updateAll((pending) => {
        pending.settling = nextSettling;
      }, done),
      ...(done ? [definitionsChanged()] : []),
      fence,
    ],
    schedule: input.schedule ?? [],
    cancel: input.cancel ?? [],
    events: input.events ?? [],
  });
  return progress(settling.profiles + profiles.items.length, 0);
}
