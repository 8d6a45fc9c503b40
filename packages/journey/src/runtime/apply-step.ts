import type { Channels } from '@cx/channels';
import { isCxError, type Storage } from '@cx/core';
import type { JourneyDefinition, MessageNode } from '../definition/journey-types';
import { stepInstance } from '../engine/step-instance';
import type { InstanceState, StepContext, StepEffect, StepInput } from '../engine/step-types';
import { recordEnded } from './admission';
import { JOURNEY_COLLECTIONS, type JourneyWorkingSet, type StoredInstance } from './journey-store';
import { journeyProfileEvent } from './profile-events';

/** The outcome id of an instance whose message could not be made and that has no `on.failed`. */
export const MESSAGE_FAILED_EXIT = 'message-failed';

/** What stepping an instance needs from the runtime. */
export interface StepDependencies {
  storage: Storage;
  workspaceId: string;
  channels: Channels;
  /** The segments a profile is in now; default none. */
  segmentsOf?: (profileId: string) => Promise<Iterable<string>> | Iterable<string>;
  /** The variation of an experiment for a person (a pure hash, as `@cx/abtest` assigns); default `null`. */
  assignVariation?: (experiment: string, profileId: string) => string | null;
}

/** How many failed messages one step follows through `on.failed` before it gives up and exits. */
const MAX_FAILURE_ROUNDS = 10;

type SendEffect = Extract<StepEffect, { type: 'send' }>;

const ended = (state: InstanceState) => state.status === 'completed' || state.status === 'exited';

/**
 * A message that can never be made, as opposed to one that failed for now: a template that does
 * not render (`TemplateRenderError` is a `VALIDATION`), a template or profile that does not exist.
 * Anything else (storage down) is thrown, so the step is tried again with nothing committed.
 */
const cannotBeMade = (error: unknown) => isCxError(error, 'VALIDATION') || isCxError(error, 'NOT_FOUND');

/** The name templates see as `event.name`: the entry event, or how the person entered. */
function entryEventName(definition: JourneyDefinition): string {
  const entry = definition.entry;
  if (entry.type === 'event') return entry.event;
  if (entry.type === 'segment') return entry.on === 'enter' ? 'Segment Entered' : 'Segment Exited';
  return entry.type === 'schedule' ? 'Journey Scheduled' : 'Journey Entered';
}

/** Renders each send in order into the step's commit; returns the first that cannot be made, if any. */
async function executeSends(
  deps: StepDependencies,
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  state: InstanceState,
  effects: readonly StepEffect[],
): Promise<{ index: number; effect: SendEffect; reason: string } | null> {
  for (const [index, effect] of effects.entries()) {
    if (effect.type !== 'send') continue;
    try {
      // The message goes into the step's own commit: stored with the step's state or not at all.
      // Its id is deterministic (source + step + profile), so a message enqueued before is a
      // duplicate here and a concurrent enqueue makes the commit fail with CONFLICT.
      const prepared = await deps.channels.prepare({
        source: `journey:${state.journeyId}@${state.version}`,
        step: effect.key,
        profileId: state.profileId,
        channels: effect.channels,
        templates: effect.templates,
        category: effect.category,
        ...(effect.topic === undefined ? {} : { topic: effect.topic }),
        data: effect.data,
        // Templates read the entry event as `event.properties.*`, as the definition's checks assume.
        event: { name: entryEventName(definition), properties: state.entry },
      });
      if (!prepared.duplicate) {
        for (const document of prepared.commit.documents)
          work.set(document.collection, document.key, document.value);
        work.outbox.push(...prepared.commit.schedule);
      }
    } catch (error) {
      if (!cannotBeMade(error)) throw error;
      return { index, effect, reason: error instanceof Error ? error.message : String(error) };
    }
  }
  return null;
}

/** The instance ended at the failed message node, with only what came before it kept. */
function exitAtFailure(state: InstanceState, node: string, now: number): InstanceState {
  let last = -1;
  state.path.forEach((step, index) => {
    if (step.node === node) last = index;
  });
  return {
    ...state,
    status: 'exited',
    node,
    waiting: null,
    path: last >= 0 ? state.path.slice(0, last + 1) : state.path,
    outcome: { kind: 'exit', id: MESSAGE_FAILED_EXIT, at: now },
  };
}

/**
 * Steps an instance once, the runtime's way: runs the pure step, renders its `send` effects
 * through `channels.prepare`, and writes everything into `work`, which the caller commits in one
 * go: the instance (with the version it was read at), its messages' records and outbox items, its
 * timer, trait writes, journey events and, when it ends, the profile's index. A step whose commit
 * is refused (`CONFLICT`: an event or a timer stepped the instance meanwhile) has sent nothing,
 * so stepping again from the stored state never sends on a path the instance did not take.
 *
 * A message that cannot be made (a template missing a variable) is never skipped silently: the
 * instance records it (`failures`, and a `Journey Step` event with `failed: true` and the
 * reason), then follows the node's `on.failed` branch, by stepping a `message` input with outcome
 * `failed` at once, as if the outbox had reported it; without `on.failed` it exits with outcome
 * `message-failed`, at the message node, and nothing after that node in the step happens.
 *
 * `webhook` effects become items of `journey.webhooks` (key: the effect's key) in `work`, so
 * they are scheduled by the step's own commit: a step that is not committed calls nothing, and one
 * stepped again after a `CONFLICT` or a crash schedules one call. The instance goes on at once;
 * the webhook worker delivers the call later (see `createWebhookWorker`).
 *
 * @example
 * ```ts
 * const work = new JourneyWorkingSet(storage, 'acme');
 * await applyStep(deps, work, definition, stored, { type: 'timer', node: 'wait-1', at }, now);
 * await storage.commit('acme', work.toCommit());
 * ```
 */
export async function applyStep(
  deps: StepDependencies,
  work: JourneyWorkingSet,
  definition: JourneyDefinition,
  stored: StoredInstance,
  input: StepInput,
  now: number,
): Promise<StoredInstance> {
  if (ended(stored.state)) return stored;
  const profile = await work.profile(stored.state.profileId);
  const traits = profile?.traits ?? {};
  const context: StepContext = {
    traits,
    segments: new Set(deps.segmentsOf ? await deps.segmentsOf(stored.state.profileId) : []),
    timezone:
      typeof traits.timezone === 'string' && traits.timezone !== ''
        ? traits.timezone
        : (definition.timezone ?? 'UTC'),
    assignVariation: (experiment) => deps.assignVariation?.(experiment, stored.state.profileId) ?? null,
  };
  const failures = [...stored.failures];
  const effects: StepEffect[] = [];
  let state: InstanceState;
  let result = stepInstance(definition, stored.state, input, now, context);
  // An input the instance does not wait for (most events of its person) changes nothing: no write.
  if (result.state === stored.state && result.effects.length === 0) return stored;
  for (let round = 0; ; round++) {
    const failure = await executeSends(deps, work, definition, result.state, result.effects);
    if (!failure) {
      effects.push(...result.effects);
      state = result.state;
      break;
    }
    const { effect, reason } = failure;
    failures.push({ node: effect.node, key: effect.key, reason, at: now });
    const failed: StepEffect = {
      type: 'journey-event',
      name: 'Journey Step',
      properties: {
        journeyId: definition.id,
        version: stored.state.version,
        instanceId: stored.state.id,
        node: effect.node,
        messageKey: effect.key,
        failed: true,
        reason,
      },
    };
    const node = definition.nodes.find((each) => each.id === effect.node) as MessageNode;
    const waiting = result.state.waiting;
    const waitsHere = waiting?.kind === 'message' && waiting.messageId === effect.key;
    if (node.on?.failed !== undefined && waitsHere && round < MAX_FAILURE_ROUNDS) {
      effects.push(...result.effects, failed);
      result = stepInstance(
        definition,
        result.state,
        { type: 'message', messageId: effect.key, outcome: 'failed' },
        now,
        context,
      );
      continue;
    }
    state = exitAtFailure(result.state, effect.node, now);
    effects.push(
      ...result.effects.slice(0, failure.index).filter((each) => each.type !== 'timer'),
      failed,
      { type: 'cancel-timer' },
      {
        type: 'journey-event',
        name: 'Journey Exited',
        properties: {
          journeyId: definition.id,
          version: state.version,
          instanceId: state.id,
          node: state.node,
          reason: 'exit',
          outcomeId: MESSAGE_FAILED_EXIT,
        },
      },
    );
    break;
  }

  let sequence = stored.events;
  for (const effect of effects) {
    switch (effect.type) {
      case 'timer':
        work.timers.set(state.id, { at: effect.at, node: effect.node });
        break;
      case 'cancel-timer':
        work.timers.set(state.id, null);
        break;
      case 'update-traits':
        // A profile that does not exist cannot be patched; the whole commit would be refused.
        if (profile) work.patchTraits(profile.id, effect.set);
        break;
      case 'webhook':
        // Delivered by the webhook worker once this commit holds: none for a step not committed.
        work.webhooks.set(effect.key, {
          url: effect.url,
          body: effect.body,
          journeyId: definition.id,
          version: state.version,
          instanceId: state.id,
          profileId: state.profileId,
          node: effect.node,
        });
        break;
      case 'journey-event':
        work.events.push(
          journeyProfileEvent(
            profile ?? { id: state.profileId },
            state.id,
            sequence++,
            effect.name,
            effect.properties,
            now,
          ),
        );
        break;
      case 'send':
        break; // rendered into the commit above
    }
  }
  const next: StoredInstance = { state, events: sequence, failures };
  work.set(JOURNEY_COLLECTIONS.instances, state.id, next);
  if (ended(state)) await recordEnded(work, state.profileId, state.journeyId, state.id, now);
  return next;
}
