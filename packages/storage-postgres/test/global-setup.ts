import { temporaryDatabaseSetup } from '../src/testing';

/*
 * Every test run gets its own database on the server named by CX_POSTGRES_URL, created here
 * and dropped (with its connections) when the run ends, so runs never see each other's rows.
 */
export default temporaryDatabaseSetup({ prefix: 'cx_test' });

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of this run's own test database. */
    postgresUrl: string;
  }
}
