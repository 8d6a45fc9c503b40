import { createTemporaryDatabase } from '@cx/storage-postgres/testing';
import type { TestProject } from 'vitest/node';

/* Every test run gets its own Postgres database, dropped when the run ends. */
export default async function setup(project: TestProject) {
  const database = await createTemporaryDatabase({ prefix: 'cx_identity_test' });
  project.provide('postgresUrl', database.url);
  return () => database.drop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's own test database. */
    postgresUrl: string;
  }
}
