import { type Channels, createChannels } from '@cx/channels';
import { httpSms } from '@cx/channels/sms';
import { postgresStorage } from '@cx/storage-postgres';
import pg from 'pg';
import { createJourneys } from '../../../src/runtime';

/*
 * A journey worker process on a shared PostgreSQL database: the event consumer, the timer worker
 * and an outbox dispatcher, on the real clock with short leases, until it is killed. With
 * `dieAfterSend: k` it SIGKILLs itself right after its k-th message was rendered for a step and
 * before the step (which holds the message's outbox item) was committed: the window exactly-once
 * effects must survive.
 */
const { postgresUrl, workspaceId, gatewayUrl, token, dieAfterSend } = JSON.parse(
  process.argv[2] as string,
) as {
  postgresUrl: string;
  workspaceId: string;
  gatewayUrl: string;
  token: string;
  dieAfterSend: number | null;
};
const pool = new pg.Pool({ connectionString: postgresUrl, max: 4 });
const storage = postgresStorage({ pool });
const real = createChannels({
  storage,
  workspaceId,
  adapters: [httpSms({ id: 'gateway', url: gatewayUrl, token })],
});
let sends = 0;
const channels: Channels = {
  ...real,
  async prepare(request) {
    const prepared = await real.prepare(request);
    sends += 1;
    if (dieAfterSend !== null && sends >= dieAfterSend) process.kill(process.pid, 'SIGKILL');
    return prepared;
  },
};
const quiet = () => {};
const idle = { minMs: 5, maxMs: 50 };
createJourneys({ storage, workspaceId, channels, leaseMs: 600, idle, onError: quiet }).start();
real.dispatcher({ batchSize: 4, leaseMs: 2000, idle, onError: quiet }).start();
process.stdout.write('started\n');
