import { sqliteStorage } from '@cx/storage-sqlite';
import { createSegmentEngine } from '../../src';

/*
 * A segment engine process on a SQLite file, running until it is killed, on the parent's clock
 * (the instant `at` when the parent's clock read `start`).
 */
const { filename, start, at } = JSON.parse(process.argv[2]!) as {
  filename: string;
  start: number;
  at: number;
};
const clock = { now: () => at + (Date.now() - start) };
const storage = sqliteStorage({ filename, clock });
const engine = createSegmentEngine({
  storage,
  workspaceId: 'acme',
  clock,
  pageSize: 7,
  leaseMs: 200,
  idle: { minMs: 1, maxMs: 5 },
  onError: () => {},
});
engine.start();
process.stdout.write('started\n');
