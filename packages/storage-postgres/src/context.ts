import type { Clock, IdGenerator } from '@cx/core';
import type { Pool } from 'pg';
import type { Tables } from './tables';

/** What every store of the adapter shares: the caller's pool, table names, time and ids. */
export interface PostgresContext {
  pool: Pool;
  tables: Tables;
  clock: Clock;
  newId: IdGenerator;
}
