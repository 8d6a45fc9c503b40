import type { Storage } from '../../ports/storage';
import { createEventConsumer } from '../../work/event-consumer';

/** Options of {@link consumerProcess}. */
export interface ConsumerProcessOptions {
  workspaceId: string;
  name: string;
  pageSize?: number;
  /** Kills this process (SIGKILL) just before its n-th commit: the page's work is lost mid-way. */
  crashBeforeCommit?: number;
}

/** Where {@link consumerProcess} keeps its derived count. */
export const CONSUMED_COUNT = { collection: 'test.consumed', key: 'count' } as const;

/**
 * The body of a consumer process in the crash tests: counts the workspace's events into one
 * document, a page at a time, until it has caught up. Killed at any point and started again, the
 * count must end equal to the number of events: nothing lost, nothing applied twice.
 */
export async function consumerProcess(storage: Storage, options: ConsumerProcessOptions): Promise<void> {
  let commits = 0;
  const crashing: Storage = {
    ...storage,
    commit(workspaceId, input) {
      commits += 1;
      if (commits === options.crashBeforeCommit) process.kill(process.pid, 'SIGKILL');
      return storage.commit(workspaceId, input);
    },
  };
  const consumer = createEventConsumer({
    storage: crashing,
    workspaceId: options.workspaceId,
    name: options.name,
    pageSize: options.pageSize ?? 10,
    // A killed predecessor's lease must not hold the restarted process back for long.
    leaseMs: 200,
    handler: async (events) => {
      const current = await storage.documents.get<number>(
        options.workspaceId,
        CONSUMED_COUNT.collection,
        CONSUMED_COUNT.key,
      );
      return {
        documents: [
          {
            ...CONSUMED_COUNT,
            value: (current?.value ?? 0) + events.length,
            expectedVersion: current?.version ?? 0,
          },
        ],
      };
    },
  });
  while ((await consumer.lag()) > 0) {
    if ((await consumer.poll()) === 0) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
