import type { CommitInput, CxEvent } from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import { testCondition } from '../engine/match-condition';
import type { StepInput } from '../engine/step-types';
import { applyStep, type StepDependencies } from './apply-step';
import type { DefinitionCache } from './definition-cache';
import { admitEntry } from './enter-many';
import { inputFilter } from './input-routing';
import {
  JOURNEY_COLLECTIONS,
  JourneyWorkingSet,
  type ProfileJourneys,
  type StoredInstance,
} from './journey-store';

const MESSAGE_OUTCOMES: Record<string, 'sent' | 'failed' | 'opened' | 'clicked'> = {
  'Message Sent': 'sent',
  'Message Failed': 'failed',
  'Message Opened': 'opened',
  'Message Clicked': 'clicked',
};

/** What an event of the log means to journeys. */
export type JourneyInput =
  /** A result of a message a journey sent: for the one instance named by its step. */
  | { kind: 'message'; instanceId: string; input: Extract<StepInput, { type: 'message' }> }
  /** Anything else: for every active instance of the profile, and for entries. */
  | { kind: 'broadcast'; input: Extract<StepInput, { type: 'event' | 'segment' }> };

/**
 * Reads an event as a journey input: `Message Sent/Failed/Opened/Clicked` whose `source` is
 * `journey:<id>@<version>` become a `message` input for the instance its `step` (the send's key,
 * `<instance id>/<node>[#n]`) names; `Segment Entered/Exited` a `segment` input; other track
 * events an `event` input. Other event types (page, identify) are not inputs.
 *
 * @example
 * ```ts
 * journeyInput(event); // { kind: 'broadcast', input: { type: 'event', name: 'Order Completed', ... } }
 * ```
 */
export function journeyInput(event: CxEvent): JourneyInput | null {
  if (event.type !== 'track') return null;
  const properties = (event.properties ?? {}) as Record<string, unknown>;
  const outcome = MESSAGE_OUTCOMES[event.event];
  if (
    outcome &&
    typeof properties.source === 'string' &&
    properties.source.startsWith('journey:') &&
    typeof properties.step === 'string'
  ) {
    const key = properties.step;
    // Node ids never hold a `/`, so the instance id is everything before the last one.
    return {
      kind: 'message',
      instanceId: key.slice(0, key.lastIndexOf('/')),
      input: { type: 'message', messageId: key, outcome },
    };
  }
  if (
    (event.event === 'Segment Entered' || event.event === 'Segment Exited') &&
    typeof properties.segmentId === 'string'
  ) {
    return {
      kind: 'broadcast',
      input: { type: 'segment', segment: properties.segmentId, entered: event.event === 'Segment Entered' },
    };
  }
  return {
    kind: 'broadcast',
    input: { type: 'event', name: event.event, properties, messageId: event.messageId },
  };
}

/** The event name a broadcast input came from. */
const broadcastName = (input: Extract<StepInput, { type: 'event' | 'segment' }>) =>
  input.type === 'event' ? input.name : input.entered ? 'Segment Entered' : 'Segment Exited';

/** True when the input is the journey's entry; returns the entry data (the event's properties). */
function entryData(
  definition: JourneyDefinition,
  input: JourneyInput,
  now: number,
): Record<string, unknown> | null {
  if (input.kind !== 'broadcast') return null;
  const entry = definition.entry;
  const step = input.input;
  if (entry.type === 'event' && step.type === 'event' && step.name === entry.event) {
    return entry.where === undefined || testCondition(entry.where, step.properties, now)
      ? step.properties
      : null;
  }
  if (entry.type === 'segment' && step.type === 'segment' && step.segment === entry.segment) {
    return step.entered === (entry.on === 'enter') ? { segmentId: step.segment } : null;
  }
  return null;
}

/**
 * Reads what a page will touch in three round trips (the people's journey indexes, then their
 * active instances, and their profiles) instead of a few per event.
 */
async function preloadPage(work: JourneyWorkingSet, profileIds: readonly string[]): Promise<void> {
  const people = [...new Set(profileIds)];
  if (people.length === 0) return;
  await work.preload(JOURNEY_COLLECTIONS.profiles, people);
  const active: string[] = [];
  for (const person of people) {
    const index = await work.get<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, person);
    for (const journey of Object.values(index?.journeys ?? {})) active.push(...journey.active);
  }
  await Promise.all([work.preload(JOURNEY_COLLECTIONS.instances, active), work.preloadProfiles(people)]);
}

/** What the consumer's page handler needs. */
export interface EventInputDependencies extends StepDependencies {
  definitions: DefinitionCache;
  now: () => number;
}

/**
 * Applies one page of the event log to journeys, as one commit. Events no published version reacts
 * to (by name, see `journeyInputNames`) are passed over; results of journey messages never are.
 * Each other event goes first to the
 * profile's active instances (goals, exit criteria, wait-fors, message results), then to the
 * entries of every journey's current version (so the entering event is not also the new
 * instance's first input). The commit carries every instance, timer, index and journey event the
 * page produced; the consumer adds its checkpoint, so a page is applied exactly once, and a
 * `CONFLICT` (a timer stepped one of the instances meanwhile) makes the consumer read the page
 * again and step from the stored states.
 *
 * @example
 * ```ts
 * const commit = await applyEventPage(deps, page.items);
 * ```
 */
export async function applyEventPage(
  deps: EventInputDependencies,
  events: readonly CxEvent[],
): Promise<CommitInput> {
  const work = new JourneyWorkingSet(deps.storage, deps.workspaceId);
  const current = await deps.definitions.current();
  const reactedTo = await inputFilter(work, current);
  const inputs = events.flatMap((event) => {
    const input = event.profileId ? journeyInput(event) : null;
    if (!input || !event.profileId || (input.kind === 'broadcast' && !reactedTo(broadcastName(input.input))))
      return [];
    return [{ profileId: event.profileId, input }];
  });
  await preloadPage(
    work,
    inputs.map((each) => each.profileId),
  );
  for (const { profileId, input } of inputs) {
    const now = deps.now();
    const index = await work.get<ProfileJourneys>(JOURNEY_COLLECTIONS.profiles, profileId);
    const active = Object.values(index?.journeys ?? {}).flatMap((journey) => journey.active);
    const targets = input.kind === 'message' ? active.filter((id) => id === input.instanceId) : active;
    for (const id of targets) {
      const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, id);
      if (!stored) continue;
      const definition = await deps.definitions.version(stored.state.journeyId, stored.state.version);
      await applyStep(deps, work, definition, stored, input.input, now);
    }
    for (const { definition, version } of current) {
      const data = entryData(definition, input, now);
      if (data === null) continue;
      await admitEntry(deps, work, definition, version, { profileId, data }, now);
    }
  }
  return work.toCommit();
}
