import { isCxError } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGES_COLLECTION, OUTBOX_QUEUE } from '../../src';
import { httpSms } from '../../src/adapters/sms';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms, person, setup, WS } from './outbox-fixtures';

/* `prepare`: a message rendered for the caller's own commit, stored with it or not at all. */
let local: LocalSmsGateway | undefined;
afterEach(async () => {
  await local?.close();
  local = undefined;
});

const request = (profileId: string) => ({
  source: 'journey:abandoned-cart@1',
  step: 'cart-1/reminder',
  profileId,
  channels: ['sms' as const],
  templates: { sms: cartSms },
  data: { items: 3 },
});

describe('channels.prepare', () => {
  it('stores nothing until the caller commits; committed with the caller’s state, it is delivered once', async () => {
    local = await startLocalSmsGateway();
    const { storage, channels } = setup([
      httpSms({
        id: 'gateway',
        url: local.url,
        token: local.token,
        from: 'SHOP',
        webhookSecret: local.webhookSecret,
      }),
    ]);
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });

    const prepared = await channels.prepare(request('p1'));
    if (prepared.duplicate) throw new Error('a first prepare is not a duplicate');
    expect(await storage.documents.get(WS, MESSAGES_COLLECTION, prepared.messageId)).toBeNull();
    expect(await storage.work.get(WS, OUTBOX_QUEUE, prepared.messageId)).toBeNull();
    expect(await channels.dispatcher().drain()).toBe(0);

    await storage.commit(WS, {
      ...prepared.commit,
      documents: [
        ...prepared.commit.documents,
        { collection: 'app.orders', key: 'cart-1', value: { nudged: true } },
      ],
    });
    expect(await channels.dispatcher().drain()).toBe(1);
    expect(local.delivered()).toEqual([prepared.messageId]);
    // The same id as `send` gives: a send of the same source, step and profile is a duplicate now.
    expect(await channels.send(request('p1'))).toMatchObject({
      messageId: prepared.messageId,
      duplicate: true,
    });
    expect(await channels.prepare(request('p1'))).toMatchObject({ duplicate: true, status: 'sent' });
  });

  it('a commit that enqueues a message enqueued meanwhile is refused with CONFLICT', async () => {
    const { storage, channels } = setup([]);
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });
    const prepared = await channels.prepare(request('p1'));
    if (prepared.duplicate) throw new Error('a first prepare is not a duplicate');
    await channels.send(request('p1'));
    const error = await storage.commit(WS, prepared.commit).catch((thrown: unknown) => thrown);
    expect(isCxError(error, 'CONFLICT')).toBe(true);
  });

  it('validates like send: bad requests throw VALIDATION, a missing variable throws before anything', async () => {
    const { storage, channels } = setup([]);
    await person(storage, 'p1', { phone: '+84912345678' });
    const bad = await channels
      .prepare({ ...request('p1'), channels: [] as never })
      .catch((thrown: unknown) => thrown);
    expect(isCxError(bad, 'VALIDATION')).toBe(true);
    const missing = await channels.prepare(request('p1')).catch((thrown: unknown) => thrown);
    expect(isCxError(missing, 'VALIDATION')).toBe(true); // the template reads profile.traits.firstName
  });
});
