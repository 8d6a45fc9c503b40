// A child process of the multi-process tests: opens the SQLite file and runs one role.
import { consumerProcess, queueWorkerProcess } from '@cx/core/testing/processes';
import { sqliteStorage } from '../../src';

const options = JSON.parse(process.argv[2]!);
const storage = sqliteStorage({ filename: options.filename });
if (options.role === 'queue') await queueWorkerProcess(storage, options);
else await consumerProcess(storage, options);
await storage.close();
