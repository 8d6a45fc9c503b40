import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

/*
 * Every test run gets its own database on the server named by CX_POSTGRES_URL, created here
 * and dropped (with its connections) when the run ends, so runs never see each other's rows.
 */
const serverUrl = process.env.CX_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export default async function setup(project: TestProject) {
  const database = `cx_metrics_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  project.provide('postgresUrl', url.toString());
  return async () => {
    await onServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's own test database. */
    postgresUrl: string;
  }
}
