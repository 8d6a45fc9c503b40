import { temporaryDatabaseSetup } from '@cx/storage-postgres/testing';

/* Every test run gets its own Postgres database, dropped when the run ends. */
export default temporaryDatabaseSetup({ prefix: 'cx_journey_test' });

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's own test database. */
    postgresUrl: string;
  }
}
