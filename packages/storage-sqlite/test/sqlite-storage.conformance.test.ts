import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Storage } from '@cx/core';
import { runStorageConformance } from '@cx/core/testing';
import { sqliteStorage } from '../src';

/** Counts a workspace's events with SQL, bypassing the event store. */
const peek = (storage: Storage) => ({
  async countEvents(workspaceId: string) {
    const [row] = await storage.sql!.query<{ n: number }>(
      'SELECT count(*) AS n FROM cx_events WHERE workspace_id = ?',
      [workspaceId],
    );
    return row!.n;
  },
});

runStorageConformance({
  name: 'sqlite :memory:',
  open: (clock) => sqliteStorage({ clock }),
  peek,
});

const dir = mkdtempSync(path.join(tmpdir(), 'cx-sqlite-conformance-'));
runStorageConformance({
  name: 'sqlite file',
  open: (clock) => sqliteStorage({ filename: path.join(dir, 'cx.db'), clock }),
  peek,
  teardown: () => rmSync(dir, { recursive: true, force: true }),
});
