import type { TemplateDefinition } from '@cx/channels';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChannelsServer,
  call,
  dealInApp,
  person,
  sendAndDrain,
  startChannelsServer,
} from './channels-harness';
import { json } from './helpers';

let server: ChannelsServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start() {
  server = await startChannelsServer();
  return server;
}

describe('contact summaries', () => {
  it('GET /v1/profiles/<ref>/contacts counts the messages of the period, and the 360° view shows this week', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    await sendAndDrain(s.acme, an);
    await sendAndDrain(s.acme, an, {
      step: 'hook',
      channels: ['webhook'],
      category: 'transactional',
      topic: undefined,
    });

    const response = await call(s.url, '/v1/profiles/user_id:u-an/contacts', { key: 'rk_acme' });
    expect(response.status).toBe(200);
    const week = await json(response);
    expect(week).toMatchObject({
      profileId: an,
      timezone: 'UTC',
      total: 2,
      byChannel: { 'in-app': 1, webhook: 1 },
      byTopic: { promotions: 1 },
      byCategory: { marketing: 1, transactional: 1 },
    });
    for (const period of ['day', 'week', '30d']) {
      const each = await call(s.url, `/v1/profiles/user_id:u-an/contacts?period=${period}`, {
        key: 'ak_acme',
      });
      expect(each.status).toBe(200);
      expect((await json(each)).total).toBe(2);
    }
    const full = await json(await call(s.url, '/v1/profiles/user_id:u-an?view=360', { key: 'rk_acme' }));
    const { profileId: _, ...summary } = week;
    expect((full.extensions as Record<string, unknown>).contacts).toEqual(summary);

    s.clock.advance(8 * 86_400_000);
    expect(
      (await json(await call(s.url, '/v1/profiles/user_id:u-an/contacts?period=day', { key: 'rk_acme' })))
        .total,
    ).toBe(0);
    expect(
      (await json(await call(s.url, '/v1/profiles/user_id:u-an/contacts?period=30d', { key: 'rk_acme' })))
        .total,
    ).toBe(2);
    const later = await json(await call(s.url, '/v1/profiles/user_id:u-an?view=360', { key: 'rk_acme' }));
    expect((later.extensions as Record<string, unknown>).contacts).toMatchObject({
      total: 0,
      timezone: 'UTC',
    });
    const basic = await json(await call(s.url, '/v1/profiles/user_id:u-an', { key: 'rk_acme' }));
    expect(basic.extensions).toBeUndefined();
  });

  it('refuses a bad period, a write key and an unknown person', async () => {
    const s = await start();
    await person(s.storage, 'an');
    for (const period of ['month', '0d', '367d', '-1d', '7']) {
      const response = await call(s.url, `/v1/profiles/user_id:u-an/contacts?period=${period}`, {
        key: 'rk_acme',
      });
      expect(response.status).toBe(400);
      expect((await json(response)).error.issues.map((issue) => issue.path)).toEqual(['period']);
    }
    expect((await call(s.url, '/v1/profiles/user_id:u-an/contacts', { key: 'wk_acme' })).status).toBe(401);
    expect((await call(s.url, '/v1/profiles/user_id:u-an/contacts')).status).toBe(401);
    expect((await call(s.url, '/v1/profiles/user_id:u-nobody/contacts', { key: 'rk_acme' })).status).toBe(
      404,
    );
    expect((await call(s.url, '/v1/profiles/user_id:u-an/contacts', { key: 'rk_globex' })).status).toBe(404);
  });
});

describe('messages and previews', () => {
  it('GET /v1/channels/messages/<id> answers the record to read and admin keys of its workspace', async () => {
    const s = await start();
    const an = await person(s.storage, 'an');
    const messageId = await sendAndDrain(s.acme, an);
    for (const key of ['rk_acme', 'ak_acme']) {
      const response = await call(s.url, `/v1/channels/messages/${messageId}`, { key });
      expect(response.status).toBe(200);
      expect(await json(response)).toMatchObject({
        id: messageId,
        profileId: an,
        status: 'delivered',
        topic: 'promotions',
      });
    }
    expect((await call(s.url, `/v1/channels/messages/${messageId}`, { key: 'wk_acme' })).status).toBe(401);
    expect((await call(s.url, `/v1/channels/messages/${messageId}`, { key: 'rk_globex' })).status).toBe(404);
    const missing = await call(s.url, '/v1/channels/messages/msg_nothing', { key: 'rk_acme' });
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe('NOT_FOUND');
  });

  it('POST /v1/channels/preview renders a saved or inline template for a person, sending nothing', async () => {
    const s = await start();
    await person(s.storage, 'an', { email: 'an@example.com', locale: 'en-US' });
    await s.acme.templates.save(dealInApp);
    const saved = await call(s.url, '/v1/channels/preview', {
      method: 'POST',
      key: 'rk_acme',
      body: {
        profile: 'user_id:u-an',
        channel: 'in-app',
        template: 'deal-in-app',
        data: { deal: 'two for one' },
      },
    });
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual({
      content: { title: 'Hi an', text: 'Our deals: two for one' },
      locale: 'en-US',
    });
    const inline: TemplateDefinition = {
      id: 'note',
      channel: 'webhook',
      defaultLocale: 'en-US',
      variants: { 'en-US': { text: 'Mail to {{ profile.traits.email }}' } },
    };
    const unknown = await call(s.url, '/v1/channels/preview', {
      method: 'POST',
      key: 'ak_acme',
      body: { profile: 'email:nobody@example.com', channel: 'webhook', template: inline },
    });
    expect(unknown.status).toBe(404);
    // A bare profile id works too, as previews and explanations elsewhere return them.
    const byId = await call(s.url, '/v1/channels/preview', {
      method: 'POST',
      key: 'ak_acme',
      body: { profile: 'an', channel: 'webhook', template: inline },
    });
    expect(await byId.json()).toMatchObject({ content: { text: 'Mail to an@example.com' } });
    expect((await s.acme.outbox.stats()).scheduled).toBe(0);
  });

  it('a missing variable is 400 with the TemplateRenderError issues; bad input is 400 with paths', async () => {
    const s = await start();
    await person(s.storage, 'an');
    const missing = await call(s.url, '/v1/channels/preview', {
      method: 'POST',
      key: 'rk_acme',
      body: { profile: 'user_id:u-an', channel: 'in-app', template: dealInApp },
    });
    expect(missing.status).toBe(400);
    const error = (await json(missing)).error as unknown as {
      code: string;
      issues: { path: string; code: string; variable?: string }[];
    };
    expect(error.code).toBe('VALIDATION');
    expect(error.issues).toContainEqual(
      expect.objectContaining({ code: 'undefined_variable', variable: 'data.deal' }),
    );

    const cases: [unknown, string][] = [
      [{ profile: 'user_id:u-an', channel: 'fax', template: 'x' }, 'channel'],
      [{ profile: 'user_id:u-an', channel: 'webhook', template: dealInApp }, 'template.channel'],
      [{ channel: 'in-app', template: 'x' }, 'profile'],
      [{ profile: 'user_id:u-an', channel: 'in-app', template: 'x', send: true }, ''],
    ];
    for (const [body, path] of cases) {
      const response = await call(s.url, '/v1/channels/preview', { method: 'POST', key: 'rk_acme', body });
      expect(response.status).toBe(400);
      expect((await json(response)).error.issues.map((issue) => issue.path)).toContain(path);
    }
    const unknownTemplate = await call(s.url, '/v1/channels/preview', {
      method: 'POST',
      key: 'rk_acme',
      body: { profile: 'user_id:u-an', channel: 'in-app', template: 'nope' },
    });
    expect(unknownTemplate.status).toBe(404);
    expect(
      (await call(s.url, '/v1/channels/preview', { method: 'POST', key: 'wk_acme', body: {} })).status,
    ).toBe(401);
  });
});

describe('the outbox', () => {
  /** A message whose only endpoint refuses it: failed, and dead-lettered. */
  async function failedMessage(s: ChannelsServer) {
    const bo = await person(s.storage, 'bo', { webhookUrl: s.refusingUrl });
    const messageId = await sendAndDrain(s.acme, bo, {
      channels: ['webhook'],
      category: 'transactional',
      topic: undefined,
    });
    expect((await s.acme.message(messageId))?.status).toBe('failed');
    return messageId;
  }

  it('GET /v1/channels/outbox answers the counts and the dead letters', async () => {
    const s = await start();
    const messageId = await failedMessage(s);
    const response = await call(s.url, '/v1/channels/outbox', { key: 'rk_acme' });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.stats).toMatchObject({ queue: 'channels.outbox', dead: 1 });
    expect((body.deadLetters as { items: { key: string }[] }).items.map((item) => item.key)).toEqual([
      messageId,
    ]);
    expect((await call(s.url, '/v1/channels/outbox?limit=0', { key: 'rk_acme' })).status).toBe(400);
    expect((await call(s.url, '/v1/channels/outbox', { key: 'wk_acme' })).status).toBe(401);
    const globex = await json(await call(s.url, '/v1/channels/outbox', { key: 'rk_globex' }));
    expect(globex.stats).toMatchObject({ dead: 0 });
  });

  it('POST /v1/channels/outbox/<id>/retry (admin keys only) queues a failed message again', async () => {
    const s = await start();
    const messageId = await failedMessage(s);
    const path = `/v1/channels/outbox/${messageId}/retry`;
    for (const key of ['rk_acme', 'wk_acme', undefined]) {
      const refused = await call(s.url, path, { method: 'POST', ...(key === undefined ? {} : { key }) });
      expect(refused.status).toBe(401);
      expect((await json(refused)).error.code).toBe('UNAUTHORIZED');
    }
    expect((await s.acme.message(messageId))?.status).toBe('failed');
    expect((await call(s.url, path, { method: 'POST', key: 'ak_globex' })).status).toBe(404);

    const retried = await call(s.url, path, { method: 'POST', key: 'ak_acme' });
    expect(retried.status).toBe(200);
    expect(await json(retried)).toMatchObject({
      retried: true,
      message: { id: messageId, status: 'queued' },
    });
    expect(await s.acme.outbox.stats()).toMatchObject({ dead: 0, due: 1 });

    // Not failed any more: a second retry would send it twice.
    const again = await call(s.url, path, { method: 'POST', key: 'ak_acme' });
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('CONFLICT');
    expect(
      (await call(s.url, '/v1/channels/outbox/msg_nothing/retry', { method: 'POST', key: 'ak_acme' })).status,
    ).toBe(404);
    expect((await call(s.url, path, { key: 'ak_acme' })).status).toBe(405);
  });
});
