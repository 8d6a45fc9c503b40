import { ManualClock } from '@cx/core';
import { migrate, postgresStorage } from '@cx/storage-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChannels, LEDGER_COLLECTION, type LedgerEntry } from '../../src';
import { httpSms } from '../../src/adapters/sms';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms } from './outbox-fixtures';

/*
 * Two dispatchers (two storage handles, two connection pools: as two processes would be) drain
 * one PostgreSQL outbox at the same time. Claims are leased with SKIP LOCKED and completions are
 * fenced, so every message is sent once, with no help from the gateway's idempotency keys; and a
 * frequency cap holds across both, because the ledger is reserved under optimistic concurrency.
 */
const WS = 'shop';
let pools: pg.Pool[] = [];
let gateway: LocalSmsGateway;

beforeAll(async () => {
  pools = [0, 1].map(() => new pg.Pool({ connectionString: inject('postgresUrl'), max: 6 }));
  await migrate(pools[0] as pg.Pool);
  gateway = await startLocalSmsGateway();
});
afterAll(async () => {
  await gateway.close();
  await Promise.all(pools.map((pool) => pool.end()));
});

describe('two dispatchers on one PostgreSQL outbox', () => {
  it('send each message once and keep a cap between them', async () => {
    const clock = new ManualClock('2026-03-02T03:00:00.000Z'); // 10:00 in Ho Chi Minh City
    const open = (pool: pg.Pool) =>
      createChannels({
        storage: postgresStorage({ pool, clock }),
        workspaceId: WS,
        clock,
        adapters: [httpSms({ id: 'gateway', url: gateway.url, token: gateway.token })],
        pressure: { rules: [{ id: 'three-a-day', kind: 'cap', max: 3, per: 'day', action: 'drop' }] },
        defaults: { timezone: 'Asia/Ho_Chi_Minh' },
      });
    const [first, second] = pools.map(open) as [ReturnType<typeof open>, ReturnType<typeof open>];
    const storage = postgresStorage({ pool: pools[0] as pg.Pool, clock });
    const people = 30;
    for (let index = 0; index < people; index++) {
      await storage.profiles.create(WS, {
        id: `p${index}`,
        traits: { firstName: `Khách ${index}`, phone: `+8491200${String(index).padStart(4, '0')}` },
      });
    }
    const ids: string[] = [];
    // Five marketing messages per person, against a cap of three a day.
    for (let wave = 0; wave < 5; wave++) {
      for (let index = 0; index < people; index++) {
        const receipt = await first.send({
          source: 'campaign:pg',
          step: `wave-${wave}`,
          profileId: `p${index}`,
          channels: ['sms'],
          templates: { sms: cartSms },
          data: { items: wave },
        });
        ids.push(receipt.messageId);
      }
    }
    await Promise.all([
      first.dispatcher({ batchSize: 10, concurrency: 5 }).drain(),
      second.dispatcher({ batchSize: 10, concurrency: 5 }).drain(),
    ]);

    // No repeated idempotency key reached the gateway: the fencing alone kept it to one send.
    expect(gateway.requests.filter((request) => request.replayed)).toEqual([]);
    expect(gateway.requests.length).toBe(gateway.delivered().length);
    const statuses = await Promise.all(ids.map(async (id) => (await first.message(id))?.status));
    expect(statuses.filter((status) => status === 'sent')).toHaveLength(people * 3);
    expect(statuses.filter((status) => status === 'dropped')).toHaveLength(people * 2);
    expect(gateway.delivered()).toHaveLength(people * 3);
    const ledgers = await storage.documents.list<{ entries: LedgerEntry[] }>(WS, LEDGER_COLLECTION, {
      limit: 1000,
    });
    expect(ledgers.items).toHaveLength(people);
    for (const ledger of ledgers.items) expect(ledger.value.entries).toHaveLength(3);
  }, 60_000);
});
