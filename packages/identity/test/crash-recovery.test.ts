import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryStorage, type Storage } from '@cx/core';
import { runChild } from '@cx/core/testing/processes';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import { sqliteStorage } from '@cx/storage-sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createIdentity } from '../src';
import type { CrashPoint } from './crash/crashing-storage';
import { CONFIG, runStep, type Step, scenario, snapshot } from './crash/scenario';

/*
 * Real processes killed with SIGKILL at every point between two writes of identity (just before
 * and just after each one), then started again; the client retries the step it got no answer
 * for, and goes on. Whatever the point, the end state must equal that of a run with no crash:
 * the same people with the same identifiers, traits (a `sum` included), consent, suppression,
 * events and decisions, and the same identity events and documents.
 */

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const steps: Step[] = scenario();

/** The state the scenario leaves when nothing crashes (in memory, in this process). */
async function expectedState() {
  const storage = memoryStorage();
  const identity = createIdentity({ storage, config: CONFIG });
  for (const step of steps) await runStep(identity, step);
  return snapshot(storage, identity, steps);
}

interface Backend {
  options(run: string): Promise<Record<string, unknown>>;
  open(options: Record<string, unknown>): Promise<{ storage: Storage; close(): Promise<void> }>;
}

/**
 * Runs the scenario in child processes until every step is answered, the first child killed at
 * `crash`; returns how many writes the first child announced.
 */
async function runWithCrash(options: Record<string, unknown>, crash?: CrashPoint): Promise<number> {
  let from = 0;
  let firstWrites = -1;
  for (let child = 0; from < steps.length; child++) {
    expect(child, 'a restarted process makes progress').toBeLessThan(steps.length + 2);
    const outcome = await runChild(
      'test/crash/child.ts',
      { ...options, from, ...(child === 0 && crash ? { crash } : {}) },
      packageDir,
    );
    if (child === 0) {
      firstWrites = outcome.lines.filter((line) => line.startsWith('write ')).length;
      if (crash) expect(outcome.signal, 'the first child is killed where it was told').toBe('SIGKILL');
    }
    if (outcome.signal !== 'SIGKILL') expect(outcome.code, outcome.stderr).toBe(0);
    else expect(child === 0 && crash !== undefined, 'only the crashing child is killed').toBe(true);
    // The client learns of the steps that were answered; it retries the next one.
    const done = outcome.lines
      .filter((line) => line.startsWith('done '))
      .map((line) => Number(line.slice(5)));
    if (done.length > 0) from = Math.max(...done) + 1;
  }
  return firstWrites;
}

async function stateOf(backend: Backend, options: Record<string, unknown>) {
  const { storage, close } = await backend.open(options);
  try {
    return await snapshot(storage, createIdentity({ storage, config: CONFIG }), steps);
  } finally {
    await close();
  }
}

function crashSuite(name: string, backend: () => Backend) {
  describe(`identity survives SIGKILL at every write on ${name}`, () => {
    it('ends in the no-crash state from a kill before or after any write, after the client retries', async () => {
      const expected = await expectedState();
      const b = backend();
      const clean = await b.options('clean');
      const writes = await runWithCrash(clean);
      expect(await stateOf(b, clean)).toEqual(expected);
      // One durable step per ingest batch and per suppression.
      expect(writes).toBe(steps.length);
      for (let write = 1; write <= writes; write++) {
        for (const when of ['before', 'after'] as const) {
          const options = await b.options(`w${write}${when[0]}`);
          await runWithCrash(options, { write, when });
          expect(await stateOf(b, options), `killed ${when} write ${write}`).toEqual(expected);
        }
      }
    }, 180_000);
  });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cx-identity-crash-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

crashSuite('SQLite', () => ({
  async options(run) {
    return { backend: 'sqlite', filename: join(dir, `${run}.db`) };
  },
  async open(options) {
    const storage = sqliteStorage({ filename: options.filename as string });
    return { storage, close: () => storage.close() };
  },
}));

crashSuite('PostgreSQL', () => {
  const url = inject('postgresUrl');
  return {
    async options(run) {
      return { backend: 'postgres', url, schema: `crash_${run}` };
    },
    async open(options) {
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      await migrate(pool, { schema: options.schema as string });
      const storage = postgresStorage({ pool, schema: options.schema as string });
      return { storage, close: () => pool.end() };
    },
  };
});
