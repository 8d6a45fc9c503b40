import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, type Storage } from '@cx/core';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterAll, beforeAll } from 'vitest';
import { describeInbox } from './inbox-behaviour';

const clock = new ManualClock('2026-03-01T08:00:00Z');
let dir: string;
let storage: Storage;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cx-inbox-'));
  storage = sqliteStorage({ filename: join(dir, 'inbox.db'), clock });
});
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describeInbox('sqlite', () => storage, clock);
