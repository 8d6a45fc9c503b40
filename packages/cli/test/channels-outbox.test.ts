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

const sendPromo = (coupon: string) =>
  ws.cx([
    'send',
    '--channels',
    ws.config,
    '--to',
    'email:an@example.com',
    '--channel',
    'sms',
    '--template',
    ws.smsTemplate,
    '--data',
    JSON.stringify({ coupon }),
    '--yes',
    '--json',
  ]);

describe('cx outbox', () => {
  it('counts the outbox, lists a dead letter with its reason, retries it and delivers it once the gateway is fixed', async () => {
    const empty = await ws.cx(['outbox']);
    expect(empty).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(empty.stdout).toMatch(
      /^outbox of workspace shop:\n {2}scheduled\s+0\n {2}due\s+0\n {2}claimed\s+0\n {2}dead\s+0\n {2}oldest due\s+-\n$/,
    );

    // The gateway refuses (400): not retried, no other provider or channel, so the message fails.
    ws.gateway.failWith(400);
    const failed = await sendPromo('TET');
    expect(failed.code).toBe(EXIT.fatal);
    const { message } = JSON.parse(failed.stdout);
    expect(message).toMatchObject({ status: 'failed', decision: { rule: 'rejected' } });
    expect(message.decision.reason).toContain('400');
    expect(ws.gateway.requests).toHaveLength(1);

    const stats = await ws.cx(['outbox', 'stats', '--json']);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      scheduled: 0,
      due: 0,
      claimed: 0,
      dead: 1,
      oldestDueAt: null,
    });

    const dead = await ws.cx(['outbox', 'dead']);
    expect(dead.code).toBe(EXIT.ok);
    expect(dead.stdout).toMatch(/^MESSAGE\s+PROFILE\s+STATUS\s+CHAIN\s+FAILED AT\s+RULE\s+REASON\n/);
    expect(dead.stdout).toMatch(
      new RegExp(`^${message.id}\\s+${ws.an}\\s+failed\\s+sms\\s+\\S+Z\\s+rejected\\s+.*400`, 'm'),
    );
    const deadJson = JSON.parse((await ws.cx(['outbox', 'dead', '--json', '--limit', '5'])).stdout);
    expect(deadJson).toMatchObject({
      items: [{ messageId: message.id, status: 'failed', rule: 'rejected' }],
      nextCursor: null,
    });

    ws.gateway.failWith(null);
    const retried = await ws.cx(['outbox', 'retry', message.id]);
    expect(retried).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(retried.stdout).toContain(`message ${message.id} is queued again`);
    expect(JSON.parse((await ws.cx(['outbox', '--json'])).stdout)).toMatchObject({
      scheduled: 1,
      due: 1,
      dead: 0,
    });
    expect(ws.gateway.requests).toHaveLength(1); // retry only queues it

    const run = await ws.cx(['outbox', 'run', '--channels', ws.config, '--until-empty']);
    expect(run).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(run.stdout).toBe('processed 1 message(s); outbox: 0 scheduled (0 due), 0 dead\n');
    expect(ws.gateway.requests.map((request) => [request.status, request.idempotencyKey])).toEqual([
      [400, message.id],
      [200, message.id],
    ]);
    expect((await ws.cx(['outbox', 'dead'])).stdout).toBe('no dead letters\n');

    const shown = await ws.cx(['outbox', 'show', message.id]);
    expect(shown.code).toBe(EXIT.ok);
    expect(shown.stdout).toContain(`message ${message.id}: sent\n`);
    expect(shown.stdout).toMatch(/sent\s+on sms via http-sms \(provider id gw-2\)/);
    expect(shown.stdout).toContain('content on sms:\n  text: Chào An, mã giảm giá của bạn là TET\n');
    expect(shown.stdout).toMatch(
      /\S+Z\s+sms\s+http-sms\s+failed\s+rejected\s+.*400.*\n\s+\S+Z\s+sms\s+http-sms\s+sent/,
    );
    const record = JSON.parse((await ws.cx(['outbox', 'show', message.id, '--json'])).stdout);
    expect(record).toMatchObject({ id: message.id, status: 'sent', providerMessageId: 'gw-2' });
    expect(record.history.map((turn: { outcome: string }) => turn.outcome)).toEqual(['failed', 'sent']);

    // A message that went out is not retried: that would send it twice.
    const again = await ws.cx(['outbox', 'retry', message.id]);
    expect(again.code).toBe(EXIT.fatal);
    expect(again.stderr).toContain(`CONFLICT: message ${message.id} is sent, not failed`);
    expect(ws.gateway.requests).toHaveLength(2);
  });

  it('runs one batch by default and refuses what it cannot do', async () => {
    ws.gateway.failWith(503); // unavailable: retried later, so the message stays queued
    const queued = await sendPromo('A');
    expect(queued.code).toBe(EXIT.ok);
    expect(JSON.parse(queued.stdout).message).toMatchObject({ status: 'queued', route: { attempt: 1 } });
    const stats = JSON.parse((await ws.cx(['outbox', '--json'])).stdout);
    expect(stats).toMatchObject({ scheduled: 1, dead: 0 });
    expect(Date.parse(stats.oldestDueAt)).toBeGreaterThan(Date.now() - 1000);

    const nothingDue = await ws.cx(['outbox', 'run', '--channels', ws.config, '--json']);
    expect(JSON.parse(nothingDue.stdout)).toMatchObject({
      processed: 0,
      interrupted: false,
      outbox: { scheduled: 1 },
    });

    const cases: [string[], number, string][] = [
      [['outbox', 'run'], EXIT.usage, 'cx outbox run sends: give --channels'],
      [['outbox', 'retry'], EXIT.usage, 'cx outbox retry takes a message id'],
      [['outbox', 'stats', 'x'], EXIT.usage, 'cx outbox stats takes no arguments'],
      [['outbox', 'purge'], EXIT.usage, 'unknown subcommand "purge"'],
      [['outbox', 'dead', '--limit', '0'], EXIT.usage, '--limit must be a whole number'],
      [
        ['outbox', 'show', 'msg_nope'],
        EXIT.fatal,
        'NOT_FOUND: message msg_nope does not exist in workspace shop',
      ],
      [['outbox', 'retry', 'msg_nope'], EXIT.fatal, 'NOT_FOUND: message msg_nope does not exist'],
    ];
    for (const [args, code, message] of cases) {
      const result = await ws.cx(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    const both = await ws.cx(['outbox', '--storage', 'memory']);
    expect(both.code).toBe(EXIT.usage);
    expect(both.stderr).toContain('give --db <file> or --storage <spec>, not both');
    expect((await ws.cx(['help', 'outbox'])).stdout).toContain('Usage: cx outbox');
    expect((await ws.cx(['outbox', '--help'])).stdout).toContain('retry <messageId>');
  });
});
