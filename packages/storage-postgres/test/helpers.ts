import pg from 'pg';
import { inject } from 'vitest';

/** A pool on this run's test database (see global-setup.ts). The test file ends it. */
export function testPool(options: pg.PoolConfig = {}): pg.Pool {
  return new pg.Pool({ connectionString: inject('postgresUrl'), max: 6, ...options });
}

let counter = 0;

/** A schema name no other test uses, for tests that need their own tables. */
export function freshSchema(prefix = 'cx'): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
}
