import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { importFile } from '@cx/cli';
import { createIdentity } from '@cx/identity';
import { sqliteStorage } from '@cx/storage-sqlite';
import Database from 'better-sqlite3';
import type { Benchmark } from '../harness';
import { perSecond, timeMs } from '../harness';

const ROWS = 50_000;
const BATCH = 500;
let dir = '';
let csvFile = '';
let run = 0;

/** A customers CSV as a CRM or POS export looks: ids, email, phone and a few traits. */
function customersCsv(rows: number): string {
  const lines = ['user_id,email,phone,first_name,city,plan,orders'];
  for (let index = 0; index < rows; index++) {
    lines.push(
      `u${index},user${index}@example.com,09${String(10_000_000 + index).padStart(8, '0')},Name${index % 997},` +
        `${['Hanoi', 'HCMC', 'Da Nang'][index % 3]},${index % 5 === 0 ? 'pro' : 'free'},${index % 17}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Streams 50,000 customer rows from a CSV file into a fresh SQLite store through `importFile`
 * (csv-parse, mapping, validation, identity resolution with email/phone normalisation, storage),
 * against the floor of the same job: reading the file line by line and inserting the raw rows
 * with better-sqlite3, 500 per transaction, no validation and no identity.
 */
const importSqlite: Benchmark = {
  name: 'identity.import.sqlite',
  unit: 'rows/s',
  higherIsBetter: true,
  peer: 'readline + better-sqlite3 insert of the raw rows (500 per transaction)',
  runs: 3,
  async setup() {
    dir = await mkdtemp(path.join(tmpdir(), 'cx-bench-import-'));
    csvFile = path.join(dir, 'customers.csv');
    await writeFile(csvFile, customersCsv(ROWS));
  },
  async measure() {
    const storage = sqliteStorage({ filename: path.join(dir, `cx-${run}.db`) });
    // As a Vietnamese shop would configure it: national phone numbers become identifiers.
    const identity = createIdentity({ storage, config: { phoneRegion: 'VN' } });
    let summary = { accepted: 0 };
    const cxMs = await timeMs(async () => {
      summary = await importFile({
        identity,
        workspaceId: 'bench',
        source: csvFile,
        format: 'csv',
        kind: 'customers',
        batchSize: BATCH,
      });
    });
    await storage.close();
    if (summary.accepted !== ROWS) throw new Error(`import accepted ${summary.accepted} of ${ROWS} rows`);

    const db = new Database(path.join(dir, `peer-${run++}.db`));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE customers (user_id TEXT PRIMARY KEY, email TEXT, phone TEXT, traits TEXT)');
    const insert = db.prepare('INSERT OR IGNORE INTO customers VALUES (?, ?, ?, ?)');
    const insertMany = db.transaction((rows: string[][]) => {
      for (const row of rows) insert.run(row[0], row[1], row[2], JSON.stringify(row.slice(3)));
    });
    const peerMs = await timeMs(async () => {
      let pending: string[][] = [];
      let header = true;
      for await (const line of createInterface({
        input: createReadStream(csvFile),
        crlfDelay: Number.POSITIVE_INFINITY,
      })) {
        if (header || line === '') {
          header = false;
          continue;
        }
        pending.push(line.split(','));
        if (pending.length === BATCH) {
          insertMany(pending);
          pending = [];
        }
      }
      insertMany(pending);
    });
    db.close();
    return { value: perSecond(ROWS, cxMs), peerValue: perSecond(ROWS, peerMs) };
  },
  async teardown() {
    await rm(dir, { recursive: true, force: true });
  },
};

export const benchmarks: Benchmark[] = [importSqlite];
