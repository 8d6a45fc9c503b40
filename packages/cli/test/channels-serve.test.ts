import { createChannels, createLinkSigner, messageLinks } from '@cx/channels';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../src';
import {
  type ChannelsWorkspace,
  channelsWorkspace,
  PROMO_SMS,
  WS,
} from './fixtures/channels/channels-workspace';

const SECRET = 'a-link-secret-of-at-least-thirty-two-characters';

let ws: ChannelsWorkspace;
beforeEach(async () => {
  ws = await channelsWorkspace();
});
afterEach(async () => {
  await ws.close();
});

async function until<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let tries = 0; tries < 400; tries++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('cx serve --channels', () => {
  it('runs the outbox dispatcher and serves the messaging endpoints', async () => {
    const config = ws.file('serve.channels.json', {
      adapters: [
        { type: 'http-sms', url: ws.gateway.url, token: { env: 'SMS_TOKEN' }, from: 'ACME' },
        { type: 'in-app' },
      ],
      links: { baseUrl: 'https://cx.example.com', secret: { env: 'LINK_SECRET' } },
      defaults: { locale: 'en-US', timezone: 'Asia/Ho_Chi_Minh' },
    });
    // A message queued by another process (a journey, a campaign) before the server starts.
    const storage = sqliteStorage({ filename: ws.db });
    const queued = await createChannels({ storage, workspaceId: WS, adapters: [] }).send({
      source: 'campaign:spring',
      step: 'wave-1',
      profileId: ws.an,
      category: 'transactional',
      channels: ['sms'],
      templates: { sms: PROMO_SMS },
      data: { coupon: 'XUAN' },
    });
    await storage.close();

    const stop = new AbortController();
    let stdout = '';
    let stderr = '';
    const running = runCli(
      [
        'serve',
        '--storage',
        `sqlite:${ws.db}`,
        '--workspace',
        WS,
        '--write-key',
        'wk',
        '--read-key',
        'rk',
        '--port',
        '0',
        '--channels',
        config,
      ],
      {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text) },
        env: { ...ws.env, LINK_SECRET: SECRET },
        signal: stop.signal,
      },
    );
    const port = await until(
      () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1],
      'the server',
    );
    expect(stdout).toContain('outbox dispatcher running (channels: sms, in-app)');
    const base = `http://127.0.0.1:${port}`;

    // The dispatcher delivers what was queued.
    await until(
      () => (ws.gateway.requests.some((request) => request.body.id === queued.messageId) ? true : undefined),
      'the delivery',
    );
    expect(ws.gateway.requests.at(-1)?.body).toMatchObject({
      to: '+84912345678',
      text: 'Chào An, mã giảm giá của bạn là XUAN',
    });

    // The contact ledger through the Profile API, with a read key.
    const contacts = await fetch(`${base}/v1/profiles/email:an@example.com/contacts`, {
      headers: { authorization: `Basic ${Buffer.from('rk:').toString('base64')}` },
    });
    expect(contacts.status).toBe(200);
    expect(await contacts.json()).toMatchObject({ total: 1, byChannel: { sms: 1 } });

    // The inbox for the person's browser, with a profile token signed by the config's secret.
    const token = messageLinks({
      baseUrl: base,
      signer: createLinkSigner({ secret: SECRET }),
      workspaceId: WS,
    }).profileToken(ws.an);
    const unread = await fetch(`${base}/v1/me/inbox/unread-count`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(unread.status).toBe(200);
    const forged = await fetch(`${base}/v1/me/inbox/unread-count`, {
      headers: { authorization: `Bearer ${token}x` },
    });
    expect(forged.status).toBe(401);

    stop.abort();
    expect(await running, stderr).toBe(EXIT.ok);
    expect(stdout).toContain('cx serve: stopped');
  });

  it('with --journeys, publishes the journeys once and runs them on collected events', async () => {
    const config = ws.file('serve.channels.json', {
      adapters: [{ type: 'in-app' }],
      links: { baseUrl: 'https://cx.example.com', secret: { env: 'LINK_SECRET' } },
    });
    const journeysFile = ws.file('journeys.json', [
      {
        id: 'cart-nudge',
        entry: {
          type: 'event',
          event: 'Cart Updated',
          where: { cartId: { $exists: true } },
          correlation: ['cartId'],
        },
        start: 'nudge',
        nodes: [
          {
            type: 'message',
            id: 'nudge',
            channels: ['in-app'],
            category: 'transactional',
            templates: {
              'in-app': {
                id: 'nudge',
                channel: 'in-app',
                defaultLocale: 'vi-VN',
                variants: {
                  'vi-VN': { title: 'Giỏ hàng {{ event.properties.cartId }}', text: 'Đang chờ bạn' },
                },
              },
            },
            next: 'done',
          },
          { type: 'exit', id: 'done' },
        ],
      },
    ]);
    const serve = async (stopWhen: (stdout: string, base: string) => Promise<void>) => {
      const stop = new AbortController();
      let stdout = '';
      let stderr = '';
      const running = runCli(
        [
          'serve',
          '--storage',
          `sqlite:${ws.db}`,
          '--workspace',
          WS,
          '--write-key',
          'wk',
          '--read-key',
          'rk',
          '--port',
          '0',
          '--channels',
          config,
          '--journeys',
          journeysFile,
        ],
        {
          stdout: { write: (text: string) => (stdout += text) },
          stderr: { write: (text: string) => (stderr += text) },
          env: { ...ws.env, LINK_SECRET: SECRET },
          signal: stop.signal,
        },
      );
      const port = await until(
        () => /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout)?.[1],
        'the server',
      );
      await stopWhen(stdout, `http://127.0.0.1:${port}`);
      stop.abort();
      expect(await running, stderr).toBe(EXIT.ok);
      return stdout;
    };

    const first = await serve(async (stdout, base) => {
      expect(stdout).toContain('cx serve: journey cart-nudge v1');
      expect(stdout).toContain('journey workers running');
      const tracked = await fetch(`${base}/v1/track`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('wk:').toString('base64')}`,
        },
        body: JSON.stringify({ userId: 'u-chi', event: 'Cart Updated', properties: { cartId: 'c7' } }),
      });
      expect(tracked.status).toBe(200);
      const profile = await fetch(`${base}/v1/profiles/user_id:u-chi`, {
        headers: { authorization: `Basic ${Buffer.from('rk:').toString('base64')}` },
      });
      const { id } = (await profile.json()) as { id: string };
      const token = messageLinks({
        baseUrl: base,
        signer: createLinkSigner({ secret: SECRET }),
        workspaceId: WS,
      }).profileToken(id);
      const titles = await until(async () => {
        const inbox = await fetch(`${base}/v1/me/inbox`, { headers: { authorization: `Bearer ${token}` } });
        const body = (await inbox.json()) as { items: { title?: string }[] };
        return body.items.length > 0 ? body.items.map((item) => item.title) : undefined;
      }, 'the journey message');
      expect(titles).toEqual(['Giỏ hàng c7']);
    });
    expect(first).toContain('cx serve: stopped');
    // A restart with the same file makes no new version.
    const second = await serve(async () => {});
    expect(second).toContain('cx serve: journey cart-nudge v1');
  });

  it('refuses a bad channels config before listening', async () => {
    const config = ws.file('bad.channels.json', { adapters: [{ type: 'carrier-pigeon' }] });
    let stderr = '';
    const code = await runCli(
      ['serve', '--storage', `sqlite:${ws.db}`, '--write-key', 'wk', '--port', '0', '--channels', config],
      {
        stdout: { write: () => {} },
        stderr: { write: (text: string) => (stderr += text) },
        env: ws.env,
      },
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('adapters[0].type');
  });

  it('refuses a journey entered on a schedule without --segments, saying what to add', async () => {
    const config = ws.file('schedule.channels.json', { adapters: [{ type: 'in-app' }] });
    const journeysFile = ws.file('schedule.journeys.json', {
      id: 'morning',
      entry: { type: 'schedule', every: 'day', at: '09:00', segment: 'vip' },
      start: 'done',
      nodes: [{ type: 'exit', id: 'done' }],
    });
    let stderr = '';
    const code = await runCli(
      [
        'serve',
        '--storage',
        `sqlite:${ws.db}`,
        '--write-key',
        'wk',
        '--port',
        '0',
        '--channels',
        config,
        '--journeys',
        journeysFile,
      ],
      { stdout: { write: () => {} }, stderr: { write: (text: string) => (stderr += text) }, env: ws.env },
    );
    expect(code).toBe(EXIT.usage);
    expect(stderr).toContain('--segments');
  });
});
