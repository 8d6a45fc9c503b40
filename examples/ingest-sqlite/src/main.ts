/**
 * The cx demo: ingest a sample of Segment events (web, app and in-store) into the embedded SQLite
 * store, let identity resolution unify them into customers, and print each customer's profile.
 *
 *   pnpm demo                  # a fresh database in the OS temp folder
 *   pnpm demo -- ./cx-demo.db  # or a file of your choice
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdentity } from '@cx/identity';
import { sqliteStorage } from '@cx/storage-sqlite';
import { printIngestSummary, printProfile } from './print';

const WORKSPACE = 'demo-shop';
const here = path.dirname(fileURLToPath(import.meta.url));
const filename = process.argv[2] ?? path.join(os.tmpdir(), `cx-demo-${process.pid}.db`);
rmSync(filename, { force: true });

const events = readFileSync(path.join(here, '..', 'data', 'sample-events.ndjson'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as unknown);

const storage = sqliteStorage({ filename });
const identity = createIdentity({ storage, config: { phoneRegion: 'VN' } });

try {
  const result = await identity.ingest(WORKSPACE, events);
  printIngestSummary(events.length, result);

  let cursor: string | null = null;
  do {
    const page = await storage.profiles.list(WORKSPACE, { cursor, limit: 100 });
    for (const record of page.items) {
      const profile = await identity.getProfile(WORKSPACE, { profileId: record.id });
      if (profile) printProfile(profile, await identity.listDecisions(WORKSPACE, { profileId: profile.id }));
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  console.log(`\nStored in ${filename}`);
} finally {
  await storage.close();
  if (process.argv[2] === undefined) rmSync(filename, { force: true });
}
