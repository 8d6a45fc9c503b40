import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateVapidKeys } from '@cx/channels/web-push';
import { memoryStorage, systemClock } from '@cx/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src';
import { openChannels } from '../src/channels/open-channels';
import { readChannelsConfig } from '../src/channels/read-channels-config';
import { type ChannelsWorkspace, channelsWorkspace } from './fixtures/channels/channels-workspace';

const LINK_SECRET = 'a-link-secret-of-at-least-thirty-two-characters';
const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-thirty-two-characters';

describe('channels config', () => {
  let ws: ChannelsWorkspace;
  beforeEach(async () => {
    ws = await channelsWorkspace();
  });
  afterEach(async () => {
    await ws.close();
  });

  /** `cx send` of the promotion with this config and environment. */
  const sendWith = (config: string, env: Record<string, string>) =>
    ws.cx(
      [
        'send',
        '--channels',
        config,
        '--to',
        ws.an,
        '--channel',
        'sms',
        '--template',
        ws.smsTemplate,
        '--data',
        '{"coupon":"TET"}',
        '--yes',
      ],
      { env },
    );

  it('exits 2 naming the file and the path of each problem, with nothing sent or stored', async () => {
    const bad = ws.file('bad.json', {
      adapters: [
        { type: 'sendgrid', apiKey: 'x' },
        { type: 'http-sms', url: ws.gateway.url, token: { env: 'SMS_TOKEN' } },
        { type: 'in-app', form: 'typo' },
      ],
      links: { baseUrl: 'ftp://cx.example.com', secret: LINK_SECRET },
    });
    const result = await sendWith(bad, {});
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain(`cx send: the channels config ${bad} is invalid:\n`);
    expect(result.stderr).toMatch(
      /^ {2}adapters\[0\]\.type: unknown adapter type "sendgrid": use smtp, twilio, http-sms/m,
    );
    expect(result.stderr).toContain('  adapters[1].token: environment variable SMS_TOKEN is not set\n');
    expect(result.stderr).toMatch(/^ {2}adapters\[2\]: Unrecognized key: "form"$/m);
    expect(result.stderr).toMatch(/^ {2}links\.baseUrl: /m);

    // The adapter's own checks are named by the entry's path too.
    const badUrl = ws.file('bad-url.json', {
      adapters: [{ type: 'in-app' }, { type: 'http-sms', url: 'not a url' }],
    });
    const refused = await sendWith(badUrl, {});
    expect(refused.code).toBe(EXIT.usage);
    expect(refused.stderr).toContain(
      `the channels config ${badUrl} is invalid: adapters[1] (http-sms): httpSms options: url: Invalid URL`,
    );

    const unset = await sendWith(ws.config, {});
    expect(unset.code).toBe(EXIT.usage);
    expect(unset.stderr).toContain('adapters[0].token: environment variable SMS_TOKEN is not set');
    const notJson = await sendWith(ws.file('broken.json', '{"adapters": ['), ws.env);
    expect(notJson.code).toBe(EXIT.usage);
    expect(notJson.stderr).toContain('broken.json is not valid JSON');
    const absent = await sendWith(join(ws.dir, 'absent.json'), ws.env);
    expect(absent.code).toBe(EXIT.usage);
    expect(absent.stderr).toContain('cannot read the channels config');

    expect(ws.gateway.requests).toEqual([]);
    expect(await ws.messages()).toEqual([]);
  });

  it('reads a secret from a file next to the config, and the default ./cx.channels.json', async () => {
    ws.file('sms-token.txt', ws.gateway.token);
    const config = ws.file('file-secret.json', {
      adapters: [{ type: 'http-sms', url: ws.gateway.url, token: { file: 'sms-token.txt' }, from: 'ACME' }],
    });
    const sent = await sendWith(config, {});
    expect(sent.code, sent.stderr).toBe(EXIT.ok);
    expect(ws.gateway.requests).toMatchObject([{ authorization: `Bearer ${ws.gateway.token}`, status: 200 }]);

    const found = await readChannelsConfig(undefined, { env: ws.env, cwd: ws.dir });
    expect(found?.path).toBe('cx.channels.json');
    expect(found?.config.adapters.map((adapter) => adapter.type)).toEqual(['http-sms', 'in-app']);
    const none = await readChannelsConfig(undefined, { env: {}, cwd: join(ws.dir, '..') });
    expect(none).toBeNull();
  });
});

describe('openChannels', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cx-channels-config-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds every adapter type from its JSON, secrets from the environment and files', async () => {
    const apnsKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    const rsaKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    writeFileSync(join(dir, 'AuthKey_KEY1234567.p8'), apnsKey);
    writeFileSync(
      join(dir, 'service-account.json'),
      JSON.stringify({
        project_id: 'shop-app',
        client_email: 'cx@shop-app.iam.gserviceaccount.com',
        private_key: rsaKey,
      }),
    );
    const vapid = generateVapidKeys();
    writeFileSync(
      join(dir, 'cx.channels.json'),
      JSON.stringify({
        adapters: [
          {
            type: 'smtp',
            from: 'Shop <news@shop.vn>',
            smtp: {
              host: '127.0.0.1',
              port: 2525,
              auth: { user: 'news', pass: { env: 'SMTP_PASS' } },
              maxConnections: 2,
            },
            tracking: { opens: false },
          },
          { type: 'twilio', accountSid: 'AC123', authToken: { env: 'TWILIO_TOKEN' }, from: '+15005550006' },
          {
            type: 'http-sms',
            id: 'gateway',
            url: 'https://sms.example.vn/v1/messages',
            token: { env: 'SMS_TOKEN' },
          },
          { type: 'zns', accessToken: { env: 'ZALO_TOKEN' }, mode: 'development' },
          {
            type: 'web-push',
            vapid: {
              subject: 'mailto:ops@shop.vn',
              publicKey: vapid.publicKey,
              privateKey: { env: 'VAPID_PRIVATE_KEY' },
            },
          },
          { type: 'fcm', serviceAccount: { file: 'service-account.json' } },
          {
            type: 'apns',
            teamId: 'ABCDE12345',
            keyId: 'KEY1234567',
            signingKey: { file: 'AuthKey_KEY1234567.p8' },
            topic: 'vn.shop.app',
          },
          {
            type: 'webhook',
            secret: { env: 'WEBHOOK_SECRET' },
            url: 'https://hooks.example.com/cx',
            format: 'slack',
          },
          { type: 'in-app' },
        ],
        providers: { sms: ['gateway', 'twilio'] },
        links: { baseUrl: 'https://cx.shop.vn', secret: { env: 'CX_LINK_SECRET' } },
        topics: [{ id: 'promotions', name: 'Promotions' }],
        pressure: { rules: [{ id: 'daily', kind: 'cap', max: 2, per: 'day' }] },
        defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
        retry: { attemptsPerProvider: 2 },
      }),
    );
    const loaded = await readChannelsConfig('cx.channels.json', {
      cwd: dir,
      env: {
        SMTP_PASS: 'pass',
        TWILIO_TOKEN: 'twilio-token',
        SMS_TOKEN: 'sms-token',
        ZALO_TOKEN: 'zalo-token',
        VAPID_PRIVATE_KEY: vapid.privateKey,
        WEBHOOK_SECRET,
        CX_LINK_SECRET: LINK_SECRET,
      },
    });
    // `{ "file": … }` secrets are read next to the config file.
    const storage = memoryStorage();
    const opened = await openChannels({ storage, workspaceId: 'shop', clock: systemClock, loaded });
    try {
      expect(opened.adapters.map((adapter) => [adapter.id, adapter.channel])).toEqual([
        ['smtp', 'email'],
        ['twilio', 'sms'],
        ['gateway', 'sms'],
        ['zns', 'zns'],
        ['web-push', 'web-push'],
        ['fcm', 'mobile-push'],
        ['apns', 'mobile-push'],
        ['webhook', 'webhook'],
        ['in-app', 'in-app'],
      ]);
      expect(opened.channels.topics.map((topic) => topic.id)).toEqual(['promotions']);
      expect(opened.channels.links?.tracking.openPixel('m1', 'p1')).toMatch(
        /^https:\/\/cx\.shop\.vn\/v1\/channels\/open\//,
      );
    } finally {
      await opened.close();
      await storage.close();
    }
  });

  it('names the config when createChannels or the link signer refuse it', async () => {
    const refuse = async (config: unknown) => {
      writeFileSync(join(dir, 'cx.channels.json'), JSON.stringify(config));
      const loaded = await readChannelsConfig('cx.channels.json', { cwd: dir, env: {} });
      return openChannels({ storage: memoryStorage(), workspaceId: 'shop', clock: systemClock, loaded }).then(
        () => undefined,
        (error: Error & { code?: string }) => ({ code: error.code, message: error.message }),
      );
    };
    expect(await refuse({ adapters: [{ type: 'in-app' }], providers: { sms: ['in-app'] } })).toEqual({
      code: 'CONFIG',
      message: expect.stringContaining(
        'cx.channels.json is invalid: channels options: providers.sms names in-app',
      ),
    });
    expect(
      await refuse({
        adapters: [{ type: 'in-app' }],
        links: { baseUrl: 'https://cx.shop.vn', secret: 'short' },
      }),
    ).toEqual({
      code: 'CONFIG',
      message: expect.stringContaining('is invalid: links.secret: link signer: every secret must be'),
    });
    expect(
      await refuse({
        adapters: [{ type: 'smtp', from: 'news@shop.vn', smtp: { host: '127.0.0.1' }, tracking: true }],
      }),
    ).toEqual({
      code: 'CONFIG',
      message: expect.stringContaining('adapters[0] (smtp): tracking: needs "links"'),
    });
  });
});
