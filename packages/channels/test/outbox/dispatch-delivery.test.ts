import { isCxError } from '@cx/core';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGES_COLLECTION, OUTBOX_QUEUE, ProviderRejectedError } from '../../src';
import { httpSms } from '../../src/adapters/sms';
import { type LocalSmsGateway, startLocalSmsGateway } from '../sms/local-sms-gateway';
import { cartSms, messageEvents, person, setup, WS } from './outbox-fixtures';

const gateways: LocalSmsGateway[] = [];
afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.close()));
});

async function gateway() {
  const started = await startLocalSmsGateway();
  gateways.push(started);
  return started;
}

const smsVia = (local: LocalSmsGateway, id: string) =>
  httpSms({ id, url: local.url, token: local.token, from: 'SHOP', webhookSecret: local.webhookSecret });

const request = (profileId: string, step = 'reminder-1') => ({
  source: 'journey:abandoned-cart@1',
  step,
  profileId,
  channels: ['sms' as const],
  templates: { sms: cartSms },
  data: { items: 3 },
});

describe('the outbox', () => {
  it('delivers a message once, records it on the profile and in the ledger, and ignores a second send', async () => {
    const local = await gateway();
    const { storage, channels } = setup([smsVia(local, 'gateway')]);
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });

    const first = await channels.send(request('p1'));
    expect(first).toMatchObject({ status: 'queued', duplicate: false });
    expect(await channels.send(request('p1'))).toEqual({ ...first, duplicate: true });
    expect(await channels.dispatcher().drain()).toBe(1);

    expect(local.delivered()).toEqual([first.messageId]);
    expect(local.requests[0]?.json).toMatchObject({
      to: '+84912345678',
      text: 'Chao Lan, gio hang cua ban con 3 san pham',
    });
    const record = await channels.message(first.messageId);
    expect(record).toMatchObject({ status: 'sent', provider: 'gateway', sentOn: 'sms' });
    expect(record?.history.map((turn) => turn.outcome)).toEqual(['sent']);
    expect(await messageEvents(storage, 'p1')).toEqual([
      {
        name: 'Message Sent',
        properties: expect.objectContaining({
          messageId: first.messageId,
          channel: 'sms',
          provider: 'gateway',
        }),
      },
    ]);
    expect(await channels.contactSummary('p1')).toMatchObject({ total: 1, byChannel: { sms: 1 } });

    // Sent already: a repeated send enqueues nothing new.
    expect(await channels.send(request('p1'))).toMatchObject({ status: 'sent', duplicate: true });
    expect(await channels.dispatcher().drain()).toBe(0);
    expect(local.requests).toHaveLength(1);
  });

  it('refuses a missing template variable before storing anything', async () => {
    const local = await gateway();
    const { storage, channels } = setup([smsVia(local, 'gateway')]);
    await person(storage, 'p1', { phone: '+84912345678' }); // no firstName

    const error = await channels.send(request('p1')).catch((caught: unknown) => caught);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(error).toMatchObject({ name: 'TemplateRenderError' });
    expect(String((error as Error).message)).toContain('profile.traits.firstName');
    expect((await storage.documents.list(WS, MESSAGES_COLLECTION)).items).toEqual([]);
    expect(await storage.work.stats(WS)).toEqual([]);
  });

  it('refuses a bad request with every problem named, and an unknown profile', async () => {
    const local = await gateway();
    const { storage, channels } = setup([smsVia(local, 'gateway')]);
    const bad = await channels
      .send({ ...request('p1'), channels: ['sms', 'sms'], templates: {} } as never)
      .catch((caught: unknown) => caught);
    expect(isCxError(bad, 'VALIDATION')).toBe(true);
    expect((bad as { issues: { path: string }[] }).issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['channels', 'templates.sms']),
    );
    const missing = await channels.send(request('nobody')).catch((caught: unknown) => caught);
    expect(isCxError(missing, 'NOT_FOUND')).toBe(true);
    expect(await storage.work.stats(WS)).toEqual([]);
  });

  it('retries a provider 5xx with exponential back-off and jitter, then delivers once', async () => {
    const local = await gateway();
    const { clock, storage, channels } = setup([smsVia(local, 'gateway')], {
      retry: { baseDelayMs: 2000, attemptsPerProvider: 4 },
    });
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });
    const { messageId } = await channels.send(request('p1'));
    const dispatcher = channels.dispatcher();

    local.failNext('unavailable');
    await dispatcher.drain();
    let item = await storage.work.get(WS, OUTBOX_QUEUE, messageId);
    const firstDelay = Date.parse(item!.dueAt) - clock.now();
    expect(firstDelay).toBeGreaterThanOrEqual(1000);
    expect(firstDelay).toBeLessThanOrEqual(2000);
    expect(await channels.message(messageId)).toMatchObject({ status: 'queued', route: { attempt: 1 } });

    local.failNext('unavailable');
    clock.advance(firstDelay);
    await dispatcher.drain();
    item = await storage.work.get(WS, OUTBOX_QUEUE, messageId);
    const secondDelay = Date.parse(item!.dueAt) - clock.now();
    expect(secondDelay).toBeGreaterThanOrEqual(2000);
    expect(secondDelay).toBeLessThanOrEqual(4000);

    clock.advance(secondDelay);
    await dispatcher.drain();
    expect(local.delivered()).toEqual([messageId]);
    const record = await channels.message(messageId);
    expect(record?.history.map((turn) => turn.outcome)).toEqual(['retry', 'retry', 'sent']);
    expect(record?.history[0]?.reason).toContain('503');
    // The retries were the same send: the ledger counts one.
    expect(await channels.contactSummary('p1')).toMatchObject({ total: 1 });
  });

  it('fails over to the second provider when the first stays down, and when it refuses', async () => {
    const primary = await gateway();
    const backup = await gateway();
    const { clock, storage, channels } = setup([smsVia(primary, 'primary'), smsVia(backup, 'backup')], {
      retry: { attemptsPerProvider: 2, baseDelayMs: 1000 },
    });
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });
    await person(storage, 'p2', { firstName: 'Minh', phone: '+84987654321' });
    const down = await channels.send(request('p1'));
    const dispatcher = channels.dispatcher({ concurrency: 1 });

    primary.failNext('unavailable');
    primary.failNext('unavailable');
    await dispatcher.drain();
    clock.advance(2000);
    await dispatcher.drain();
    expect(primary.delivered()).toEqual([]);
    expect(backup.delivered()).toEqual([down.messageId]);
    expect((await channels.message(down.messageId))?.history.map((turn) => turn.outcome)).toEqual([
      'retry',
      'failover',
      'sent',
    ]);

    const refused = await channels.send(request('p2'));
    primary.failNext('rejected');
    await dispatcher.drain();
    expect(backup.delivered()).toEqual([down.messageId, refused.messageId]);
    expect((await channels.message(refused.messageId))?.history.map((turn) => turn.outcome)).toEqual([
      'failover',
      'sent',
    ]);
  });

  it('dead-letters a message every provider refused, records Message Failed, and sends it again on retry', async () => {
    const local = await gateway();
    const { storage, channels } = setup([smsVia(local, 'gateway')]);
    await person(storage, 'p1', { firstName: 'Lan', phone: '+84912345678' });
    const { messageId } = await channels.send(request('p1'));

    local.failNext('rejected');
    await channels.dispatcher({ onError: () => {} }).drain();
    const record = await channels.message(messageId);
    expect(record).toMatchObject({ status: 'failed', decision: { rule: 'rejected' } });
    expect(record?.decision?.reason).toContain(ProviderRejectedError.name);
    expect((await channels.outbox.deadLetters()).items.map((item) => item.key)).toEqual([messageId]);
    expect((await channels.outbox.stats()).dead).toBe(1);
    expect((await messageEvents(storage, 'p1')).map((event) => event.name)).toEqual(['Message Failed']);
    // Nothing was counted against the person for a send that did not happen.
    expect(await channels.contactSummary('p1')).toMatchObject({ total: 0 });

    await channels.retry(messageId);
    await channels.dispatcher().drain();
    expect(local.delivered()).toEqual([messageId]);
    expect(await channels.message(messageId)).toMatchObject({ status: 'sent' });
    // A sent message is never revived: that would send it twice.
    await expect(channels.retry(messageId)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await channels.outbox.stats()).dead).toBe(0);
  });

  it('treats a profile without a valid phone as unreachable, not as a crash', async () => {
    const local = await gateway();
    const { storage, channels } = setup([smsVia(local, 'gateway')]);
    await person(storage, 'p1', { firstName: 'Lan', phone: '0912 345' }); // not E.164
    await person(storage, 'p2', { firstName: 'Minh' }); // no phone at all
    const invalid = await channels.send(request('p1'));
    const none = await channels.send(request('p2'));
    await channels.dispatcher({ onError: () => {} }).drain();
    expect(local.requests).toEqual([]);
    expect(await channels.message(invalid.messageId)).toMatchObject({ status: 'failed' });
    expect((await channels.message(invalid.messageId))?.decision?.reason).toContain('to.phone');
    expect(await channels.message(none.messageId)).toMatchObject({
      status: 'failed',
      decision: { rule: 'no-address' },
    });
  });
});
