// A child process of the crash tests: ingests the scenario from one step on, announcing each
// answered step, and is killed (SIGKILL) at the write it was told to die at.
import type { Storage } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { createIdentity } from '../../src';
import { type CrashPoint, crashingStorage } from './crashing-storage';
import { CONFIG, runStep, scenario } from './scenario';

const options = JSON.parse(process.argv[2]!) as {
  backend: 'sqlite' | 'postgres';
  filename?: string;
  url?: string;
  schema?: string;
  from: number;
  crash?: CrashPoint;
};

let pool: pg.Pool | undefined;
let storage: Storage;
if (options.backend === 'sqlite') storage = sqliteStorage({ filename: options.filename! });
else {
  pool = new pg.Pool({ connectionString: options.url!, max: 4 });
  await migrate(pool, { schema: options.schema! });
  storage = postgresStorage({ pool, schema: options.schema! });
}
const identity = createIdentity({ storage: crashingStorage(storage, options.crash), config: CONFIG });
const steps = scenario();
for (let i = options.from; i < steps.length; i++) {
  await runStep(identity, steps[i]!);
  process.stdout.write(`done ${i}\n`);
}
await identity.notified();
await storage.close();
await pool?.end();
