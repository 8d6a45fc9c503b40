import type { Storage } from '../../ports/storage';

/** Options of {@link queueWorkerProcess}. */
export interface QueueWorkerProcessOptions {
  workspaceId: string;
  queue: string;
  owner: string;
  batchSize?: number;
  leaseMs?: number;
  /** Kills this process (SIGKILL) right after its n-th claim, before completing anything of it. */
  crashAfterClaims?: number;
  /** Epoch ms to wait for before the first claim, so that processes started together race. */
  startAt?: number;
  /**
   * Waits before the first claim until `parties` processes have arrived in `dir` (each writes a
   * file named by its owner), so that processes started together race however slowly each starts.
   */
  barrier?: { dir: string; parties: number };
  /** Where each processed key is reported, as `done <key>`; default stdout. */
  report?: (line: string) => void;
}

/** Marks this process arrived in `dir`, then waits until `parties` have. */
async function arriveAndWait(dir: string, owner: string, parties: number): Promise<void> {
  const { mkdir, readdir, writeFile } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/${owner}`, '');
  while ((await readdir(dir)).length < parties) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** The collection where {@link queueWorkerProcess} records each item it processed. */
export const PROCESSED_COLLECTION = 'test.processed';

/**
 * The body of a worker process in the multi-process queue tests: claims items until the queue is
 * empty, and for each commits a record of the item together with its completion (one atomic
 * step), then reports `done <key>`. Run it in two processes on one database and every key must
 * be reported exactly once; kill one mid-batch and the other must still finish every item.
 */
export async function queueWorkerProcess(
  storage: Storage,
  options: QueueWorkerProcessOptions,
): Promise<void> {
  const report = options.report ?? ((line: string) => process.stdout.write(`${line}\n`));
  let claims = 0;
  const wait = (options.startAt ?? 0) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  if (options.barrier) await arriveAndWait(options.barrier.dir, options.owner, options.barrier.parties);
  for (;;) {
    const items = await storage.work.claim(options.workspaceId, options.queue, {
      owner: options.owner,
      limit: options.batchSize ?? 5,
      leaseMs: options.leaseMs ?? 60_000,
    });
    if (items.length === 0) {
      const stats = (await storage.work.stats(options.workspaceId)).find((q) => q.queue === options.queue);
      if (!stats || stats.scheduled + stats.claimed === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20)); // the rest is held by another worker
      continue;
    }
    claims += 1;
    if (claims === options.crashAfterClaims) process.kill(process.pid, 'SIGKILL');
    for (const item of items) {
      await storage.commit(options.workspaceId, {
        // expectedVersion 0: a second processing of the same key would be refused loudly.
        documents: [
          {
            collection: PROCESSED_COLLECTION,
            key: item.key,
            value: { owner: options.owner },
            expectedVersion: 0,
          },
        ],
        complete: [item],
      });
      report(`done ${item.key}`);
    }
  }
}

/** The keys a {@link queueWorkerProcess} reported as processed, from its output lines. */
export function reportedKeys(lines: readonly string[]): string[] {
  return lines.filter((line) => line.startsWith('done ')).map((line) => line.slice('done '.length));
}
