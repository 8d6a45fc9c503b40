import { type ChannelKind, type Channels, createChannels, OUTBOX_QUEUE } from '@cx/channels';
import {
  ConflictError,
  type CxEvent,
  ManualClock,
  memoryStorage,
  type Storage,
  seededRandom,
  ValidationError,
  type Worker,
} from '@cx/core';
import type { JourneyDefinition } from '../definition/journey-types';
import { createJourneys, type Journeys } from '../runtime/create-journeys';
import { TIMER_QUEUE } from '../runtime/journey-store';
import { type RecordingChannel, recordingChannel } from './recording-channel';
import type { SimulationOptions } from './simulation-types';

/** The production runtime on a scratch storage and a simulated clock. */
export interface SimulatedRuntime {
  readonly workspaceId: string;
  readonly storage: Storage;
  readonly clock: ManualClock;
  readonly journeys: Journeys;
  readonly channels: Channels;
  /** One recording adapter per channel the journey sends on. */
  readonly recorders: readonly RecordingChannel[];
  /** The webhook calls the journey made, in order: recorded and answered 204, never sent. */
  readonly webhooks: readonly SimulatedWebhookCall[];
  /** Appends one event at the current simulated time and runs what it causes. */
  append(event: CxEvent): Promise<void>;
  /**
   * Moves the clock to `time`, stopping at every timer and outbox item due on the way, in due
   * order, and running everything due at each stop.
   */
  advanceTo(time: number): Promise<void>;
  /** Failures the background loops reported (they keep going in production; the simulation reports them). */
  readonly errors: readonly unknown[];
}

/** A webhook call the simulation took in place of the receiver. */
export interface SimulatedWebhookCall {
  node: string;
  url: string;
  /** The call's `Idempotency-Key`. */
  key: string;
}

/** The scratch workspace: nothing outside the simulation ever sees it. */
export const SIMULATION_WORKSPACE = 'simulation';

/** The channels of every message node, in the order the definition names them. */
const channelsOf = (definition: JourneyDefinition): ChannelKind[] => [
  ...new Set(definition.nodes.flatMap((node) => (node.type === 'message' ? node.channels : []))),
];

/**
 * Builds the production stack on a scratch `memoryStorage` whose clock is a `ManualClock` at
 * `start`: `createChannels` with a {@link recordingChannel} per channel of the journey and the
 * given channels configuration, its dispatcher, and `createJourneys`, whose webhook calls go to a
 * `fetch` that records them and answers 204: a simulation never calls a real webhook. Retry
 * jitter comes from a fixed seed so two runs over the same history decide the same.
 *
 * @example
 * ```ts
 * const runtime = createSimulatedRuntime(definition, Date.parse('2026-03-01T00:00:00Z'), {});
 * await runtime.journeys.publish(definition);
 * await runtime.append(event);
 * await runtime.advanceTo(Date.parse('2026-03-03T00:00:00Z'));
 * ```
 */
export function createSimulatedRuntime(
  definition: JourneyDefinition,
  start: number,
  options: Pick<SimulationOptions, 'channels' | 'timezone' | 'segmentsOf' | 'assignVariation'>,
): SimulatedRuntime {
  const workspaceId = SIMULATION_WORKSPACE;
  const clock = new ManualClock(start);
  const storage = memoryStorage({ clock });
  const errors: unknown[] = [];
  const onError = (error: unknown) => {
    errors.push(error);
  };
  const recorders = channelsOf(definition).map((channel) => recordingChannel(channel, clock));
  const timezone = options.timezone ?? options.channels?.defaults?.timezone;
  const channels = createChannels({
    ...options.channels,
    ...(timezone === undefined ? {} : { defaults: { ...options.channels?.defaults, timezone } }),
    storage,
    workspaceId,
    clock,
    adapters: recorders,
    random: seededRandom(1),
    onError,
  });
  const webhooks: SimulatedWebhookCall[] = [];
  const recordWebhook: typeof fetch = async (input, init) => {
    const { node } = JSON.parse(String(init?.body)) as { node: string };
    const key = new Headers(init?.headers).get('idempotency-key') ?? '';
    webhooks.push({ node, url: String(input), key });
    return new Response(null, { status: 204 });
  };
  const journeys = createJourneys({
    storage,
    workspaceId,
    clock,
    channels,
    onError,
    webhooks: { fetch: recordWebhook },
    ...(options.segmentsOf ? { segmentsOf: options.segmentsOf } : {}),
    ...(options.assignVariation ? { assignVariation: options.assignVariation } : {}),
  });
  const dispatcher: Worker = channels.dispatcher({ onError });

  // A dispatcher send writes delivery events the journeys read, which may queue more messages:
  // go round until neither has anything left at this instant.
  const settle = async () => {
    do await journeys.drain();
    while ((await dispatcher.drain()) > 0);
  };

  const nextDue = async (): Promise<number | null> => {
    const [timer, outbox] = await Promise.all([
      storage.work.nextDueAt(workspaceId, TIMER_QUEUE),
      storage.work.nextDueAt(workspaceId, OUTBOX_QUEUE),
    ]);
    const times = [timer, outbox].flatMap((each) => (each === null ? [] : [Date.parse(each)]));
    return times.length === 0 ? null : Math.min(...times);
  };

  return {
    workspaceId,
    storage,
    clock,
    journeys,
    channels,
    recorders,
    webhooks,
    errors,
    async append(event) {
      const result = await storage.events.append(workspaceId, [event]);
      if (result.rejected.length > 0)
        errors.push(
          new ValidationError(`simulation: event ${event.messageId} was refused`, [], {
            cause: result.rejected[0],
          }),
        );
      await settle();
    },
    async advanceTo(time) {
      await settle();
      for (let next = await nextDue(); next !== null && next <= time; next = await nextDue()) {
        // Something due now that a settle left behind would loop here for ever: it is a bug.
        if (next <= clock.now())
          throw new ConflictError(`simulation: work due at ${new Date(next).toISOString()} is still claimed`);
        clock.set(next);
        await settle();
      }
      if (time > clock.now()) clock.set(time);
      await settle();
    },
  };
}
