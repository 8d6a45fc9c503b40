import { sqliteStorage } from '@cx/storage-sqlite';
import { createSegmentEngine } from '../../src';

/*
 * A segment engine process on a SQLite file, running until it is killed. Time stands still at
 * the instant the parent gives, so a crashed run and an uncrashed one compute the same values.
 */
const { filename, now } = JSON.parse(process.argv[2]!) as { filename: string; now: number };
const clock = { now: () => now };
const storage = sqliteStorage({ filename, clock });
const engine = createSegmentEngine({
  storage,
  workspaceId: 'acme',
  clock,
  pageSize: 7,
  idle: { minMs: 1, maxMs: 5 },
  onError: () => {},
});
engine.start();
process.stdout.write('started\n');
