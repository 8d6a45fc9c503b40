import { afterEach, describe, expect, it } from 'vitest';
import type { PressurePolicyInput } from '../../src';
import { httpSms } from '../../src/adapters/sms';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms, messageEvents, person, setup } from './outbox-fixtures';

const gateways: LocalSmsGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

const HCM = 'Asia/Ho_Chi_Minh'; // UTC+7, no DST
const NYC = 'America/New_York'; // UTC−5 in March before the 8th

const policy: PressurePolicyInput = {
  rules: [
    { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
    { id: 'two-a-day', kind: 'cap', max: 2, per: 'day' },
  ],
};

async function rig(extra = {}) {
  const gateway = await startLocalSmsGateway();
  gateways.push(gateway);
  const context = setup([httpSms({ id: 'gateway', url: gateway.url, token: gateway.token })], {
    pressure: policy,
    topics: [
      { id: 'promotions', name: 'Khuyến mãi' },
      { id: 'back-in-stock', name: 'Hàng về', optIn: true },
    ],
    ...extra,
  });
  await person(context.storage, 'lan', { firstName: 'Lan', phone: '+84912345678', timezone: HCM });
  await person(context.storage, 'amy', { firstName: 'Amy', phone: '+12125550100', timezone: NYC });
  return { gateway, ...context };
}

const promo = (profileId: string, step: string, extra: Record<string, unknown> = {}) => ({
  source: 'campaign:spring',
  step,
  profileId,
  channels: ['sms' as const],
  templates: { sms: cartSms },
  data: { items: 1 },
  topic: 'promotions',
  ...extra,
});

describe('consent', () => {
  it('suppresses marketing after an unsubscribe and says which rule did, but lets transactional through', async () => {
    const { storage, channels, gateway } = await rig();
    await channels.preferences.change('lan', [{ op: 'unsubscribe', channel: 'sms' }], 'api');
    const marketing = await channels.send(promo('lan', 'wave-1'));
    const receipt = await channels.send(
      promo('lan', 'receipt', { category: 'transactional', topic: undefined }),
    );
    await channels.dispatcher().drain();

    expect(await channels.message(marketing.messageId)).toMatchObject({
      status: 'suppressed',
      decision: { rule: 'unsubscribed-channel' },
    });
    expect(gateway.delivered()).toEqual([receipt.messageId]);
    expect(await messageEvents(storage, 'lan')).toEqual(
      expect.arrayContaining([
        { name: 'Message Suppressed', properties: expect.objectContaining({ rule: 'unsubscribed-channel' }) },
        { name: 'Message Sent', properties: expect.objectContaining({ messageId: receipt.messageId }) },
      ]),
    );
  });

  it('honours topics: leaving one topic, and opt-in topics nobody joined', async () => {
    const { clock, channels, gateway } = await rig();
    clock.set('2026-03-02T13:30:00.000Z'); // daytime for both: 20:30 in Ho Chi Minh City, 08:30 in New York
    await channels.preferences.change('lan', [{ op: 'unsubscribe', topic: 'promotions' }], 'preference-page');
    const left = await channels.send(promo('lan', 'w1'));
    const optIn = await channels.send(promo('amy', 'w1', { topic: 'back-in-stock' }));
    await channels.preferences.change(
      'amy',
      [{ op: 'subscribe', channel: 'sms', topic: 'back-in-stock' }],
      'api',
    );
    const joined = await channels.send(promo('amy', 'w2', { topic: 'back-in-stock' }));
    await channels.dispatcher().drain();
    expect(await channels.message(left.messageId)).toMatchObject({
      decision: { rule: 'unsubscribed-topic' },
    });
    expect(await channels.message(optIn.messageId)).toMatchObject({
      status: 'sent', // consent is decided when the message goes, and Amy had joined by then
    });
    expect(gateway.delivered().sort()).toEqual([optIn.messageId, joined.messageId].sort());
  });

  it('never sends anything, transactional included, to a suppressed channel', async () => {
    const { channels, gateway } = await rig();
    await channels.preferences.change('lan', [{ op: 'suppress', channel: 'sms', reason: 'manual' }], 'api');
    const receipt = await channels.send(
      promo('lan', 'receipt', { category: 'transactional', topic: undefined }),
    );
    await channels.dispatcher().drain();
    expect(await channels.message(receipt.messageId)).toMatchObject({
      status: 'suppressed',
      decision: { rule: 'suppressed' },
    });
    expect(gateway.requests).toEqual([]);
  });

  it('refuses unknown topics and bad preference changes without changing anything', async () => {
    const { channels } = await rig();
    await expect(channels.send(promo('lan', 'w', { topic: 'nope' }))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      channels.preferences.change('lan', [{ op: 'unsubscribe', topic: 'nope' }], 'api'),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      channels.preferences.change('lan', [{ op: 'suppress', channel: 'fax' } as never], 'api'),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await channels.preferences.get('lan')).version).toBe(0);
  });
});

describe('contact pressure across time zones', () => {
  it("holds a message sent into Lan's night until 08:00 in Ho Chi Minh City, while Amy in New York gets it at once", async () => {
    const { clock, channels, gateway } = await rig();
    clock.set('2026-03-02T15:30:00.000Z'); // 22:30 in Ho Chi Minh City, 10:30 in New York
    const lan = await channels.send(promo('lan', 'w1'));
    const amy = await channels.send(promo('amy', 'w1'));
    await channels.dispatcher().drain();
    expect(gateway.delivered()).toEqual([amy.messageId]);
    const held = await channels.message(lan.messageId);
    expect(held).toMatchObject({ status: 'held', decision: { rule: 'night' } });

    clock.set('2026-03-03T00:59:59.000Z'); // 07:59:59 local: still night
    await channels.dispatcher().drain();
    expect(gateway.delivered()).toEqual([amy.messageId]);
    clock.set('2026-03-03T01:00:00.000Z'); // 08:00 local
    await channels.dispatcher().drain();
    expect(gateway.delivered()).toEqual([amy.messageId, lan.messageId]);
    expect((await channels.message(lan.messageId))?.history.map((turn) => turn.outcome)).toEqual([
      'held',
      'sent',
    ]);
  });

  it('caps two marketing messages a local day: the third waits for local midnight, which differs per person', async () => {
    const { clock, channels, gateway } = await rig();
    clock.set('2026-03-02T01:30:00.000Z'); // 08:30 on Mar 2 in Ho Chi Minh City, 20:30 on Mar 1 in New York
    const lan: string[] = [];
    const amy: string[] = [];
    for (const step of ['a', 'b', 'c']) {
      lan.push((await channels.send(promo('lan', step))).messageId);
      amy.push((await channels.send(promo('amy', step))).messageId);
    }
    const otp = await channels.send(promo('lan', 'otp', { category: 'transactional', topic: undefined }));
    await channels.dispatcher({ concurrency: 1 }).drain();
    expect(gateway.delivered()).toContain(otp.messageId); // caps never hold transactional messages
    const lanHeld = lan.filter((id) => !gateway.delivered().includes(id));
    const amyHeld = amy.filter((id) => !gateway.delivered().includes(id));
    expect(lanHeld).toHaveLength(1);
    expect(amyHeld).toHaveLength(1);
    const held = await channels.message(lanHeld[0] as string);
    expect(held).toMatchObject({ status: 'held', decision: { rule: 'two-a-day' } });
    expect(held?.decision?.reason).toContain(HCM);

    // Amy's day ends at 05:00 UTC, inside her quiet hours, which hold the message on to 08:00 New York.
    clock.set('2026-03-02T12:59:59.000Z');
    await channels.dispatcher().drain();
    expect(gateway.delivered()).not.toContain(amyHeld[0]);
    clock.set('2026-03-02T13:00:00.000Z');
    await channels.dispatcher().drain();
    expect(gateway.delivered()).toContain(amyHeld[0]);
    // Lan's day ends at 17:00 UTC (midnight at UTC+7), also in quiet hours: hers goes at 08:00 on Mar 3.
    expect(gateway.delivered()).not.toContain(lanHeld[0]);
    clock.set('2026-03-03T01:00:00.000Z');
    await channels.dispatcher().drain();
    expect(gateway.delivered()).toContain(lanHeld[0]);
    expect(await channels.contactSummary('amy', { days: 7 })).toMatchObject({
      total: 3,
      byChannel: { sms: 3 },
    });
    // Her first two went on Sunday, New York time: last week there. Lan's week (UTC+7) holds all three.
    expect(await channels.contactSummary('amy', 'week')).toMatchObject({ total: 1 });
    expect(await channels.contactSummary('lan', 'week')).toMatchObject({ total: 4 });
  });

  it('drops instead of holding when the rule says so, and records why', async () => {
    const { clock, storage, channels, gateway } = await rig({
      pressure: { rules: [{ id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'drop' }] },
    });
    clock.set('2026-03-02T15:30:00.000Z');
    const lan = await channels.send(promo('lan', 'w1'));
    await channels.dispatcher().drain();
    expect(await channels.message(lan.messageId)).toMatchObject({
      status: 'dropped',
      decision: { rule: 'night' },
    });
    expect(gateway.requests).toEqual([]);
    expect((await messageEvents(storage, 'lan')).map((event) => event.name)).toEqual(['Message Suppressed']);
  });
});
