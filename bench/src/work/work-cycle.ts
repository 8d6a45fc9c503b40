import type { Storage } from '@cx/core';

/** Items per benchmark run, and per batch. */
export const WORK_ITEMS = 20_000;
export const WORK_BATCH = 500;
export const WORK_QUEUE = 'bench.jobs';

/**
 * The cycle every `core.work.*` benchmark times: schedule a batch of 500 items, claim them, and
 * complete them in one commit, until `items` have gone through. Keys are unique per run.
 */
export async function scheduleClaimComplete(
  storage: Storage,
  workspaceId: string,
  run: number,
  items = WORK_ITEMS,
) {
  for (let start = 0; start < items; start += WORK_BATCH) {
    const batch = Array.from({ length: Math.min(WORK_BATCH, items - start) }, (_, i) => ({
      queue: WORK_QUEUE,
      key: `r${run}-${start + i}`,
      payload: { n: start + i },
    }));
    await storage.work.schedule(workspaceId, batch);
    const claimed = await storage.work.claim(workspaceId, WORK_QUEUE, {
      limit: WORK_BATCH,
      leaseMs: 60_000,
      owner: 'bench',
    });
    await storage.commit(workspaceId, { complete: claimed });
  }
}
