import {
  type ClaimedWork,
  type Clock,
  createPollLoop,
  type IdleOptions,
  isCxError,
  newId,
  type PollLoop,
  type Storage,
} from '@cx/core';
import type { MembershipCause } from './membership-events';
import { evaluateProfile, type SegmentModel } from './segment-model';
import { EXPIRY_QUEUE, StateBatch } from './state-batch';

/** What the expiry runner needs from the engine. */
export interface ExpiryContext {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  model: () => Promise<{ model: SegmentModel; names: (id: string) => string }>;
  /** Time checks handled per commit; default 500 (a commit schedules at most 1,000 items). */
  batchSize?: number;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/**
 * Runs due time checks (window expiry) a batch at a time: the claimed checks, the states they
 * change, the exits and entries they cause and the next checks go out in one commit, which also
 * completes the claims. A batch refused because the consumer changed one of its profiles
 * meanwhile is planned again from fresh reads, under the same claims.
 */
export function createExpiryRunner(context: ExpiryContext): { loop: PollLoop; runOnce(): Promise<number> } {
  const { storage, workspaceId, clock } = context;
  const owner = newId();
  const batchSize = context.batchSize ?? 500;

  const handle = async (items: ClaimedWork[]) => {
    for (let attempt = 0; ; attempt++) {
      const { model, names } = await context.model();
      const now = clock.now();
      const batch = new StateBatch(storage, workspaceId, model);
      await batch.load(items.map((item) => item.key));
      for (const item of items) {
        if (!batch.has(item.key)) continue;
        const state = batch.state(item.key);
        delete state.n; // this check is used up: the commit schedules the next one
        const changes = evaluateProfile(model, state, item.key, batch.traits(item.key), now, 'all');
        // The change happened when the window closed, even if the check ran later.
        const cause: MembershipCause = { type: 'time' };
        batch.record(item.key, changes, cause, Math.min(now, Date.parse(item.dueAt)), names);
      }
      const input = await batch.commitInput(now);
      try {
        await storage.commit(workspaceId, { ...input, complete: items });
        return;
      } catch (error) {
        if (!isCxError(error, 'CONFLICT') || attempt >= 20) throw error;
      }
    }
  };

  const runOnce = async () => {
    const items = await storage.work.claim(workspaceId, EXPIRY_QUEUE, {
      limit: batchSize,
      leaseMs: 60_000,
      owner,
    });
    if (items.length > 0) await handle(items);
    return items.length;
  };

  const loop = createPollLoop({
    clock,
    onError: context.onError,
    // A check the consumer schedules earlier than the one slept for is found within a second.
    idle: context.idle ?? { minMs: 50, maxMs: 1000 },
    tick: async () => {
      if ((await runOnce()) > 0) return { busy: true };
      const next = await storage.work.nextDueAt(workspaceId, EXPIRY_QUEUE);
      return { busy: false, nextAt: next === null ? null : Date.parse(next) };
    },
  });
  return { loop, runOnce };
}
