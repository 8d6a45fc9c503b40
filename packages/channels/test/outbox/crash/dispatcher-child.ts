import { sqliteStorage } from '@cx/storage-sqlite';
import { type ChannelAdapter, createChannels } from '../../../src';
import { httpSms } from '../../../src/adapters/sms';

/*
 * A dispatcher process on a SQLite file, delivering through a real HTTP SMS adapter to the
 * parent's local gateway until it is killed. With `dieAfterSend: k`, the process SIGKILLs itself
 * the moment the provider has accepted its k-th message and before the outbox has recorded it:
 * the crash window exactly-once delivery must survive.
 */
const { filename, gatewayUrl, token, dieAfterSend } = JSON.parse(process.argv[2] as string) as {
  filename: string;
  gatewayUrl: string;
  token: string;
  dieAfterSend: number | null;
};
const storage = sqliteStorage({ filename });
const sms = httpSms({ id: 'gateway', url: gatewayUrl, token });
let sends = 0;
const dying: ChannelAdapter = {
  id: sms.id,
  channel: sms.channel,
  idempotent: sms.idempotent === true,
  async send(message, options) {
    const result = await sms.send(message, options);
    sends += 1;
    if (dieAfterSend !== null && sends >= dieAfterSend) process.kill(process.pid, 'SIGKILL');
    return result;
  },
};
const channels = createChannels({ storage, workspaceId: 'shop', adapters: [dying] });
channels.dispatcher({ batchSize: 4, leaseMs: 400, idle: { minMs: 1, maxMs: 10 }, onError: () => {} }).start();
process.stdout.write('started\n');
