import { isCxError, parseOrThrow, ValidationError, type ValidationIssue } from '@cx/core';
import { z } from 'zod';
import type { JourneyDefinition } from '../definition/journey-types';
import { startInstance } from '../engine/start-instance';
import type { InstanceState } from '../engine/step-types';
import { applyStep, type StepDependencies } from './apply-step';
import type { DefinitionCache } from './definition-cache';
import {
  instanceId,
  JOURNEY_COLLECTIONS,
  JourneyWorkingSet,
  KEPT_INSTANCES,
  type ProfileJourneys,
  type StoredInstance,
  versionInstances,
} from './journey-store';
import { exitInstance, VERSION_MIGRATED_EXIT } from './migration';
import { journeyProfileEvent } from './profile-events';

/** Moves running instances of earlier versions to nodes of the new one; see `PublishOptions.migrate`. */
export interface MigrationMap {
  /** Node of an earlier version → node of the new version to run from. */
  map: Record<string, string>;
  /** Instances at a node the map does not name: `keep` (the default) or `exit` (`version-replaced`). */
  unmapped?: 'keep' | 'exit';
}

/** What a publish did to the running instances of earlier versions. */
export interface MigrationCounts {
  /** Instances moved to the new version (each ended with `version-migrated`, a new one started). */
  migrated: number;
  /** Instances ended with `version-replaced`. */
  exited: number;
}

const nodeIdSchema = z.string().min(1);

const migrateSchema = z
  .union([
    z.enum(['keep', 'exit']),
    z.strictObject({
      map: z.record(nodeIdSchema, nodeIdSchema),
      unmapped: z.enum(['keep', 'exit']).optional(),
    }),
  ])
  .optional();

const SHOWN = 5;

const ended = (state: InstanceState) => state.status === 'completed' || state.status === 'exited';

/**
 * Checks a publish's `migrate` option before anything is stored: its shape, and for a map, that
 * every value is a node of the new definition (`unknown_target_node`) and every key a node of at
 * least one version published before (`unknown_source_node`). Returns the option as parsed.
 *
 * @throws `ValidationError` listing every problem.
 * @example
 * ```ts
 * const migrate = await checkMigration(definitions, definition, { map: { 'wait-1': 'wait-2' } });
 * ```
 */
export async function checkMigration(
  definitions: DefinitionCache,
  definition: JourneyDefinition,
  migrate: unknown,
): Promise<'keep' | 'exit' | MigrationMap | undefined> {
  const parsed = parseOrThrow(z.object({ migrate: migrateSchema }), { migrate }, 'publish options').migrate;
  if (typeof parsed !== 'object') return parsed;
  const current = await definitions.currentOf(definition.id);
  const earlierNodes = new Set<string>();
  for (let version = 1; version <= (current?.version ?? 0); version++) {
    for (const node of (await definitions.version(definition.id, version)).nodes) earlierNodes.add(node.id);
  }
  const newNodes = new Set(definition.nodes.map((node) => node.id));
  const issues: ValidationIssue[] = [];
  for (const [from, to] of Object.entries(parsed.map)) {
    const path = `migrate.map.${from}`;
    if (!earlierNodes.has(from))
      issues.push({
        path,
        code: 'unknown_source_node',
        message: `${from} is a node of no earlier version of journey ${definition.id}`,
      });
    if (!newNodes.has(to))
      issues.push({
        path,
        code: 'unknown_target_node',
        message: `${to} is not a node of the new version of journey ${definition.id}`,
      });
  }
  if (issues.length > 0) {
    const summary = issues
      .slice(0, SHOWN)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    const more = issues.length > SHOWN ? ` (and ${issues.length - SHOWN} more)` : '';
    throw new ValidationError(`Invalid migration map of journey ${definition.id}: ${summary}${more}`, issues);
  }
  return parsed;
}

/**
 * Applies a migration map to every running instance of the earlier versions, eagerly (during
 * `publish`): an instance at a mapped node is moved (see {@link moveInstance}), one at another
 * node is kept or ended with `version-replaced` (`unmapped`). One commit per instance, holding
 * the old instance's end, the new instance and the person's journey index; read and decided
 * again on `CONFLICT` (the instance may have moved on meanwhile).
 *
 * @example
 * ```ts
 * const counts = await migrateVersions(deps, definition, 3, [1, 2], { map: { 'wait-1': 'wait-2' } }, Date.now);
 * ```
 */
export async function migrateVersions(
  deps: StepDependencies,
  definition: JourneyDefinition,
  version: number,
  earlier: readonly number[],
  migration: MigrationMap,
  now: () => number,
): Promise<MigrationCounts> {
  const counts: MigrationCounts = { migrated: 0, exited: 0 };
  for (const from of earlier) {
    for await (const document of versionInstances(deps.storage, deps.workspaceId, definition.id, from)) {
      const state = document.value.state;
      if (ended(state) || (migration.unmapped !== 'exit' && !Object.hasOwn(migration.map, state.node)))
        continue;
      const done = await migrateInstance(deps, definition, version, document.key, migration, now);
      if (done) counts[done] += 1;
    }
  }
  return counts;
}

async function migrateInstance(
  deps: StepDependencies,
  definition: JourneyDefinition,
  version: number,
  id: string,
  migration: MigrationMap,
  now: () => number,
): Promise<keyof MigrationCounts | null> {
  for (let attempt = 0; ; attempt++) {
    const work = new JourneyWorkingSet(deps.storage, deps.workspaceId);
    const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, id);
    if (!stored || ended(stored.state)) return null;
    const node = stored.state.node;
    if (!Object.hasOwn(migration.map, node)) {
      if (migration.unmapped !== 'exit') return null;
      return (await exitInstance(deps.storage, deps.workspaceId, id, now)) ? 'exited' : null;
    }
    await moveInstance(deps, work, definition, version, stored, migration.map[node] as string, now());
    try {
      await deps.storage.commit(deps.workspaceId, work.toCommit());
      return 'migrated';
    } catch (error) {
      if (!isCxError(error, 'CONFLICT') || attempt >= 10) throw error;
    }
  }
}

/**
 * Writes into `work` one instance's move to `version` at `node`: the old instance ends (`exited`,
 * outcome `exit` `version-migrated`, its timer cancelled, `Journey Exited` with `reason:
 * 'migrated'`, `toVersion` and `migratedTo`); a new instance of the new version takes over with
 * the old one's entry, correlation keys, data and `enteredAt`, under the person's next entry
 * number; the person's index swaps the old id for the new one in `active` (both stay in `recent`;
 * `lastExitAt` is not touched: the person did not leave the journey); and the new instance is
 * stepped with a `migrate` input, so it runs from `node` now (its sends go to the outbox first,
 * as every step's do). Entry counts are not touched: a move is not an entry.
 */
async function moveInstance(
  deps: StepDependencies,
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  version: number,
  stored: StoredInstance,
  node: string,
  at: number,
): Promise<void> {
  const old = stored.state;
  const { profileId, journeyId } = old;
  const indexDocument = (await work.get<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId)) ?? {
    journeys: {},
  };
  const index = indexDocument.journeys[journeyId] ?? { entries: 0, active: [], lastExitAt: null, recent: [] };
  let entries = index.entries + 1;
  // An index that lags its instances (written by hand, restored from a backup) must not make the
  // new instance overwrite one: skip numbers already taken.
  while (
    await work.get<StoredInstance>(
      JOURNEY_COLLECTIONS.instances,
      instanceId(journeyId, version, profileId, entries),
    )
  )
    entries += 1;
  const id = instanceId(journeyId, version, profileId, entries);

  work.set<StoredInstance>(JOURNEY_COLLECTIONS.instances, old.id, {
    ...stored,
    events: stored.events + 1,
    state: {
      ...old,
      status: 'exited',
      waiting: null,
      outcome: { kind: 'exit', id: VERSION_MIGRATED_EXIT, at },
    },
  });
  work.timers.set(old.id, null);
  const profile = (await work.profile(profileId)) ?? { id: profileId };
  work.events.push(
    journeyProfileEvent(
      profile,
      old.id,
      stored.events,
      'Journey Exited',
      {
        journeyId,
        version: old.version,
        instanceId: old.id,
        node: old.node,
        reason: 'migrated',
        outcomeId: VERSION_MIGRATED_EXIT,
        toVersion: version,
        migratedTo: id,
      },
      at,
    ),
  );
  work.set<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId, {
    journeys: {
      ...indexDocument.journeys,
      [journeyId]: {
        entries,
        active: [...index.active.filter((each) => each !== old.id), id],
        lastExitAt: index.lastExitAt,
        recent: [...index.recent, id].slice(-KEPT_INSTANCES),
      },
    },
  });

  const fresh = startInstance(definition, { id, version, profileId, entry: old.entry, now: old.enteredAt });
  const moved: StoredInstance = {
    // The new version may correlate on keys the old one did not: read those from the entry too.
    state: { ...fresh, correlation: { ...fresh.correlation, ...old.correlation }, data: old.data },
    events: 0,
    failures: [],
  };
  await applyStep(deps, work, definition, moved, { type: 'migrate', node, from: old.id }, at);
}
