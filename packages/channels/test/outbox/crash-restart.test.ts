import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannels, LEDGER_COLLECTION, type LedgerEntry, OUTBOX_QUEUE } from '../../src';
import { httpSms } from '../../src/adapters/sms';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms } from './outbox-fixtures';

/*
 * Dispatcher processes are killed while they deliver: some the instant the provider accepted a
 * message and before the outbox recorded it (they kill themselves there), others from outside at
 * random moments. New processes take over once the dead ones' leases end. In the end the
 * provider, which honours idempotency keys as Twilio and most gateways do, must have delivered
 * every message exactly once, and the outbox must have recorded each once.
 */

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const WS = 'shop';
const MESSAGES = 60;
let dir: string;
let gateway: LocalSmsGateway;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cx-channels-crash-'));
  gateway = await startLocalSmsGateway();
});
afterAll(async () => {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
});

function runChild(filename: string, how: { dieAfterSend: number } | { killAfterMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@cx/source',
        '--import',
        'tsx',
        'test/outbox/crash/dispatcher-child.ts',
        JSON.stringify({
          filename,
          gatewayUrl: gateway.url,
          token: gateway.token,
          dieAfterSend: 'dieAfterSend' in how ? how.dieAfterSend : null,
        }),
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A process told to die after a send finds none to make once the outbox is empty: stop it then.
    const killAfterMs = 'killAfterMs' in how ? how.killAfterMs : 3000;
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), killAfterMs));
    child.once('error', reject);
    child.once('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited: ${stderr}`));
    });
  });
}

describe('a dispatcher killed mid-send', () => {
  it('neither loses a message nor delivers one twice', async () => {
    const filename = path.join(dir, 'outbox.db');
    const storage = sqliteStorage({ filename });
    const channels = createChannels({
      storage,
      workspaceId: WS,
      adapters: [httpSms({ id: 'gateway', url: gateway.url, token: gateway.token })],
    });
    const ids: string[] = [];
    for (let index = 0; index < MESSAGES; index++) {
      const profileId = `p${index % 10}`;
      if (index < 10) {
        await storage.profiles.create(WS, {
          id: profileId,
          traits: { firstName: `Khách ${index}`, phone: `+8491234${String(index).padStart(4, '0')}` },
        });
      }
      const receipt = await channels.send({
        source: 'campaign:crash',
        step: `wave-${index}`,
        profileId,
        category: 'transactional',
        channels: ['sms'],
        templates: { sms: cartSms },
        data: { items: index },
      });
      ids.push(receipt.messageId);
    }

    for (let round = 0; round < 10; round++) {
      await runChild(
        filename,
        round % 2 === 0
          ? { dieAfterSend: 1 + (round % 3) }
          : { killAfterMs: 20 + Math.floor(Math.random() * 150) },
      );
    }
    const deliveredByKilled = gateway.delivered().length;
    // A last dispatcher, not killed, finishes once the killed ones' leases end.
    const dispatcher = channels.dispatcher({ onError: () => {} });
    for (let turn = 0; turn < 200; turn++) {
      await dispatcher.drain();
      const stats = await channels.outbox.stats();
      if (stats.scheduled + stats.claimed === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // The killed processes did real work, and some of it was cut between send and record.
    expect(deliveredByKilled).toBeGreaterThanOrEqual(5);
    const replayed = gateway.requests.filter((request) => request.replayed);
    expect(replayed.length).toBeGreaterThanOrEqual(5);
    // Exactly once at the provider, for every message.
    expect([...gateway.delivered()].sort()).toEqual([...ids].sort());
    // Exactly once in the outbox, the profile and the ledger.
    for (const id of ids) expect((await channels.message(id))?.status).toBe('sent');
    expect(await storage.work.stats(WS)).toEqual([]);
    expect((await storage.work.deadLetters(WS, OUTBOX_QUEUE)).items).toEqual([]);
    const sent = await storage.events.scan(WS, { limit: 10_000 });
    const sentIds = sent.items.flatMap((event) =>
      event.type === 'track' && event.event === 'Message Sent'
        ? [(event.properties as { messageId: string }).messageId]
        : [],
    );
    expect(sentIds.sort()).toEqual([...ids].sort());
    const ledgers = await storage.documents.list<{ entries: LedgerEntry[] }>(WS, LEDGER_COLLECTION);
    const counted = ledgers.items.flatMap((document) => document.value.entries.map((entry) => entry.id));
    expect(counted.sort()).toEqual([...ids].sort());
    await storage.close();
  }, 120_000);
});
