// A child process of the multi-process tests: connects to the test database and runs one role.
import { consumerProcess, queueWorkerProcess } from '@cx/core/testing/processes';
import pg from 'pg';
import { postgresStorage } from '../../src';

const options = JSON.parse(process.argv[2]!);
const pool = new pg.Pool({ connectionString: options.url, max: 2 });
const storage = postgresStorage({ pool, schema: options.schema });
if (options.role === 'queue') await queueWorkerProcess(storage, options);
else await consumerProcess(storage, options);
await pool.end();
