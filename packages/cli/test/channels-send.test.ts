import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EXIT } from '../src';
import { type ChannelsWorkspace, channelsWorkspace } from './fixtures/channels/channels-workspace';

let ws: ChannelsWorkspace;
beforeEach(async () => {
  ws = await channelsWorkspace();
});
afterEach(async () => {
  await ws.close();
});

/** `cx send` of the promotion SMS to An, with the coupon, and more flags. */
const sendPromo = (...flags: string[]) =>
  ws.cx([
    'send',
    '--channels',
    ws.config,
    '--to',
    'email:An@Example.com',
    '--channel',
    'sms',
    '--template',
    ws.smsTemplate,
    '--data',
    '{"coupon":"TET"}',
    ...flags,
  ]);

/** A stdin that says it is a terminal, answering `answer`. */
function terminal(answer: string): Readable {
  return Object.assign(Readable.from([answer]), { isTTY: true });
}

describe('cx send', () => {
  it('--preview prints the content rendered in the person’s locale and stores and sends nothing', async () => {
    const preview = await sendPromo('--preview');
    expect(preview.code, preview.stderr).toBe(EXIT.ok);
    expect(preview.stdout).toContain(`preview for email:An@Example.com (profile ${ws.an}):`);
    expect(preview.stdout).toContain('sms, template promo-sms');
    expect(preview.stdout).toContain(', vi-VN:\n  text: Chào An, mã giảm giá của bạn là TET\n');
    expect(ws.gateway.requests).toEqual([]);
    expect(await ws.messages()).toEqual([]);

    const json = await sendPromo('--preview', '--json', '--locale', 'en-US');
    expect(JSON.parse(json.stdout)).toEqual({
      profileId: ws.an,
      previews: [
        {
          channel: 'sms',
          template: `promo-sms (${ws.smsTemplate})`,
          locale: 'en-US',
          content: { text: 'Hi An, your code is TET' },
        },
      ],
    });
  });

  it('sends through the gateway once, prints the outcome, and sends again only without --step', async () => {
    const sent = await sendPromo('--yes');
    expect(sent.code, sent.stderr).toBe(EXIT.ok);
    expect(ws.gateway.requests).toHaveLength(1);
    const [request] = ws.gateway.requests;
    expect(request).toMatchObject({
      method: 'POST',
      authorization: `Bearer ${ws.gateway.token}`,
      body: { to: '+84912345678', from: 'ACME', text: 'Chào An, mã giảm giá của bạn là TET' },
      status: 200,
    });
    expect(request?.problem).toBeUndefined();
    const messageId = String(request?.body.id);
    expect(request?.idempotencyKey).toBe(messageId);
    expect(sent.stdout).toContain(`enqueued message ${messageId} (source cli, step cli-`);
    expect(sent.stdout).toContain(`message ${messageId}: sent\n`);
    expect(sent.stdout).toMatch(/sent\s+on sms via http-sms \(provider id gw-1\)/);
    expect(sent.stdout).toMatch(/ {2}\S+Z\s+sms\s+http-sms\s+sent/);

    // Without --step each run is a new message...
    expect((await sendPromo('--yes')).code).toBe(EXIT.ok);
    expect(ws.gateway.requests).toHaveLength(2);
    // ...with it, the second run finds the first and sends nothing.
    const first = await sendPromo('--yes', '--step', 'tet-2026', '--json');
    const again = await sendPromo('--yes', '--step', 'tet-2026');
    expect(ws.gateway.requests).toHaveLength(3);
    const firstOutcome = JSON.parse(first.stdout);
    expect(firstOutcome).toMatchObject({
      receipt: { duplicate: false },
      message: { status: 'sent', source: 'cli', step: 'tet-2026', providerMessageId: 'gw-3' },
    });
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toContain(
      `message ${firstOutcome.receipt.messageId} was enqueued before by --source cli --step tet-2026: nothing new was queued`,
    );
    expect(await ws.messages()).toHaveLength(3);
  });

  it('asks before sending on a terminal, and refuses to guess without one', async () => {
    const declined = await ws.cx(
      [
        'send',
        '--channels',
        ws.config,
        '--to',
        ws.an,
        '--channel',
        'sms',
        '--template',
        ws.smsTemplate,
        '--data',
        '{"coupon":"A"}',
      ],
      { stdin: terminal('n\n') },
    );
    expect(declined).toMatchObject({ code: EXIT.ok });
    expect(declined.stderr).toContain('Send it to');
    expect(declined.stderr).toContain('cx send: not sent');

    const piped = await sendPromo();
    expect(piped.code).toBe(EXIT.usage);
    expect(piped.stdout).toContain('text: Chào An'); // the preview came first
    expect(piped.stderr).toContain('add --yes');
    expect(ws.gateway.requests).toEqual([]);
    expect(await ws.messages()).toEqual([]);

    const accepted = await ws.cx(
      [
        'send',
        '--channels',
        ws.config,
        '--to',
        ws.an,
        '--channel',
        'sms',
        '--template',
        ws.smsTemplate,
        '--data',
        '{"coupon":"A"}',
      ],
      { stdin: terminal('y\n') },
    );
    expect(accepted.code, accepted.stderr).toBe(EXIT.ok);
    expect(ws.gateway.requests).toHaveLength(1);
  });

  it('prints every missing template variable and exits 2 with nothing stored', async () => {
    const missing = await ws.cx([
      'send',
      '--channels',
      ws.config,
      '--to',
      'email:an@example.com',
      '--channel',
      'sms,in-app',
      '--template',
      ws.smsTemplate,
      '--template',
      'promo-in-app',
      '--yes',
    ]);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.stderr).toContain(
      'cx send: template promo-sms (vi-VN) cannot be rendered for this person:',
    );
    expect(missing.stderr).toMatch(/^ {2}text: .*data\.coupon/m);
    expect(ws.gateway.requests).toEqual([]);
    expect(await ws.messages()).toEqual([]);
  });

  it('falls back along the chain: a person without a phone gets the in-app message from a saved template', async () => {
    const sent = await ws.cx([
      'send',
      '--channels',
      ws.config,
      '--to',
      'email:binh@example.com',
      '--channel',
      'sms,in-app',
      '--template',
      ws.smsTemplate,
      '--template',
      'promo-in-app',
      '--data-file',
      ws.file('data.json', { coupon: 'TET' }),
      '--category',
      'transactional',
      '--yes',
      '--json',
    ]);
    expect(sent.code, sent.stderr).toBe(EXIT.ok);
    const outcome = JSON.parse(sent.stdout);
    expect(outcome.previews.map((p: { channel: string }) => p.channel)).toEqual(['sms', 'in-app']);
    expect(outcome.message).toMatchObject({
      status: 'delivered',
      sentOn: 'in-app',
      category: 'transactional',
    });
    expect(
      outcome.message.history.map((turn: { outcome: string; rule?: string }) => [turn.outcome, turn.rule]),
    ).toEqual([
      ['fallback', 'no-address'],
      ['sent', undefined],
    ]);
    expect(ws.gateway.requests).toEqual([]);
    expect(await ws.inbox(ws.binh)).toMatchObject([{ id: outcome.receipt.messageId, title: 'Quà cho Bình' }]);
  });

  it('refuses bad flags with exit 2 before opening anything', async () => {
    const cases: [string[], string][] = [
      [['--channel', 'sms', '--template', 'x'], '--to is required'],
      [['--to', ws.an, '--channel', 'fax', '--template', 'x'], 'unknown channel "fax"'],
      [['--to', ws.an, '--channel', 'sms'], '--template is required'],
      [['--to', ws.an, '--channel', 'sms', '--template', 'x', '--category', 'spam'], '--category must be'],
      [['--to', ws.an, '--channel', 'sms', '--template', 'x', '--data', '{'], '--data is not valid JSON'],
      [['--to', ws.an, '--channel', 'sms', '--template', 'x', '--data', '[1]'], 'must be a JSON object'],
      [['--to', ws.an, '--channel', 'sms', '--template', 'x'], 'no channels config'],
      [
        ['--to', ws.an, '--channel', 'sms', '--template', 'promo-in-app', '--preview'],
        'is for in-app, which is not in --channel sms',
      ],
      [
        ['--to', ws.an, '--channel', 'sms,email', '--template', ws.smsTemplate, '--preview'],
        'no template for email',
      ],
    ];
    for (const [flags, message] of cases) {
      const result = await ws.cx(['send', ...flags]);
      expect(result.code, flags.join(' ')).toBe(EXIT.usage);
      expect(result.stderr, flags.join(' ')).toContain(message);
    }
    const nobody = await ws.cx([
      'send',
      '--to',
      'email:nobody@example.com',
      '--channel',
      'sms',
      '--template',
      ws.smsTemplate,
      '--preview',
    ]);
    expect(nobody.code).toBe(EXIT.fatal);
    expect(nobody.stderr).toContain('NOT_FOUND: no profile has the identifier email:nobody@example.com');
  });
});
