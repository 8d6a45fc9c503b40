import type { TestProject } from 'vitest/node';
import { createTemporaryDatabase } from '../src/testing';

/*
 * Every test run gets its own database on the server named by CX_POSTGRES_URL, created here
 * and dropped (with its connections) when the run ends, so runs never see each other's rows.
 */
export default async function setup(project: TestProject) {
  const database = await createTemporaryDatabase({ prefix: 'cx_test' });
  project.provide('postgresUrl', database.url);
  return () => database.drop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's own test database. */
    postgresUrl: string;
  }
}
