import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createIdentity } from '@cx/identity';
import { createSegmentEngine } from '@cx/segments';
import { sqliteStorage } from '@cx/storage-sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, EXIT, runCli } from '../src';

const WS = 'acme';
const BUYERS = { id: 'buyers', name: 'Buyers', node: { type: 'performed', event: 'Order Completed' } };
const ORDERS = { id: 'orders', kind: 'count', event: 'Order Completed' };
const LOYAL = {
  id: 'loyal',
  name: 'Repeat buyers',
  node: {
    type: 'and',
    nodes: [
      { type: 'inSegment', segment: 'buyers' },
      { type: 'computed', trait: 'orders', test: { $gte: 2 } },
    ],
  },
};

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cx-segments-'));
  db = join(dir, 'cx.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes a JSON file into the temporary directory and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** Runs `cx segments …` on the temporary store, capturing its output. */
async function segments(args: string[], overrides: Partial<CliIo> = {}) {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(['segments', ...args, '--storage', `sqlite:${db}`, '--workspace', WS], {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    env: {},
    ...overrides,
  });
  return { code, ...out };
}

/**
 * 30 buyers (the first 10 ordered twice) and 10 browsers, ingested through identity, with the
 * segment engine's real-time consumer caught up, as `cx serve --segments` leaves a store.
 */
async function seed() {
  const storage = sqliteStorage({ filename: db });
  try {
    const identity = createIdentity({ storage });
    const orders = Array.from({ length: 30 }, (_, n) => ({
      type: 'track',
      userId: `u${n}`,
      event: 'Order Completed',
      properties: { revenue: 10 + n },
    }));
    const views = Array.from({ length: 10 }, (_, n) => ({
      type: 'track',
      userId: `v${n}`,
      event: 'Product Viewed',
    }));
    await identity.ingest(WS, [...orders, ...orders.slice(0, 10), ...views]);
    const engine = createSegmentEngine({ storage, workspaceId: WS });
    await engine.drain();
    await engine.stop(); // gives up the real-time consumer's lease, as a stopped server does
  } finally {
    await storage.close();
  }
}

/** The store's pending definitions, read directly. */
async function pending() {
  const storage = sqliteStorage({ filename: db });
  try {
    return await createSegmentEngine({ storage, workspaceId: WS }).progress();
  } finally {
    await storage.close();
  }
}

describe('cx segments', () => {
  it('defines, refuses an invalid definition with its paths, backfills resumably, and sizes up', async () => {
    await seed();
    const defined = await segments(['define', file('buyers.json', BUYERS)]);
    expect(defined).toMatchObject({ code: EXIT.ok });
    expect(defined.stdout).toContain('saved segment buyers version 1');

    const invalid = await segments([
      'define',
      file('bad.json', {
        ...BUYERS,
        id: 'bad',
        node: { type: 'performed', window: { last: { amount: 0, unit: 'days' } } },
      }),
    ]);
    expect(invalid.code).toBe(EXIT.usage);
    expect(invalid.stderr).toMatch(/^ {2}node\.event: /m);
    expect(invalid.stderr).toMatch(/^ {2}node\.window/m);
    const notJson = await segments(['define', file('broken.json', '{"id": "broken",')]);
    expect(notJson.code).toBe(EXIT.usage);
    expect(notJson.stderr).toContain('broken.json is not valid JSON');
    const listed = await segments(['list', '--json']);
    expect(JSON.parse(listed.stdout).segments).toEqual([
      { id: 'buyers', name: 'Buyers', status: 'replaying', version: 1 },
    ]);

    // Stopped at its first progress report (as Ctrl-C would), one event per step...
    const controller = new AbortController();
    const stopped = await segments(['backfill', 'buyers', '--batch-size', '1'], {
      signal: controller.signal,
      stderr: {
        write: (text: string) => {
          if (text.startsWith('backfill:')) controller.abort();
        },
      },
    });
    expect(stopped.code).toBe(EXIT.interrupted);
    const between = await pending();
    expect(between?.pending).toEqual(['buyers']);
    expect(between!.replayedEvents).toBeGreaterThan(0);
    expect(between!.remainingEvents).toBeGreaterThan(0);

    // ...the next run continues where it stopped, and ends with the member count.
    const resumed = await segments(['backfill', 'buyers', '--batch-size', '5']);
    expect(resumed.code).toBe(EXIT.ok);
    const first = /^backfill: replaying: ([\d,]+) events replayed, ([\d,]+) to go$/m.exec(resumed.stderr);
    expect(first, resumed.stderr).not.toBeNull();
    expect(Number(first![1]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(between!.replayedEvents);
    expect(resumed.stdout).toBe('segment buyers is live (version 1): 30 members\n');
    expect(await pending()).toBeNull();

    const again = await segments(['backfill', 'buyers']);
    expect(again).toMatchObject({
      code: EXIT.ok,
      stdout: 'segment buyers is live (version 1): 30 members\n',
    });

    const sizes = await segments(['sizes']);
    expect(sizes.stdout).toBe(
      ['ID      NAME    STATUS  MEMBERS', 'buyers  Buyers  live         30', ''].join('\n'),
    );
  });

  it('saves computed traits, previews without saving, and prints the transition matrix', async () => {
    await seed();
    const start = new Date().toISOString();
    expect((await segments(['define', file('buyers.json', BUYERS)])).code).toBe(EXIT.ok);
    const trait = await segments(['define', file('orders.json', ORDERS)]);
    expect(trait).toMatchObject({ code: EXIT.ok });
    expect(trait.stdout).toContain('saved computed trait orders version 1');
    // `-` reads the definition from stdin.
    const loyal = await segments(['define', '-', '--json'], {
      stdin: Readable.from([JSON.stringify(LOYAL)]),
    });
    expect(JSON.parse(loyal.stdout)).toEqual({ kind: 'segment', id: 'loyal', version: 1 });
    expect((await segments(['backfill', 'loyal'])).stdout).toBe(
      'segment loyal is live (version 1): 10 members\n',
    );

    const list = await segments(['list']);
    expect(list.stdout).toBe(
      [
        'ID      NAME           STATUS  VERSION',
        'buyers  Buyers         live          1',
        'loyal   Repeat buyers  live          1',
        '',
        'COMPUTED TRAIT  KIND   EVENT            PROPERTY',
        'orders          count  Order Completed',
        '',
      ].join('\n'),
    );

    const preview = await segments([
      'preview',
      file('once.json', {
        ...LOYAL,
        id: 'once',
        name: 'One order',
        node: { ...LOYAL.node, nodes: [LOYAL.node.nodes[0], { type: 'computed', trait: 'orders', test: 1 }] },
      }),
      '--json',
    ]);
    expect(preview.code).toBe(EXIT.ok);
    const body = JSON.parse(preview.stdout);
    expect(body.size).toBe(20);
    expect(body.sample).toHaveLength(20);
    expect(['sql', 'stream']).toContain(body.method);
    const text = await segments(['preview', file('buyers-again.json', { ...BUYERS, id: 'buyers-again' })]);
    expect(text.stdout, text.stderr).toMatch(
      /^buyers-again: 30 members at .* \(computed by (sql|stream)\)\nmembers \(first 20\):\n( {2}\S+\n){20}$/,
    );
    expect(
      JSON.parse((await segments(['list', '--json'])).stdout).segments.map((s: { id: string }) => s.id),
    ).toEqual(['buyers', 'loyal']);

    const matrix = await segments(['matrix', '--segments', 'loyal,buyers', '--from', start, '--json']);
    expect(JSON.parse(matrix.stdout)).toMatchObject({
      states: ['loyal', 'buyers', '(none)'],
      counts: {
        loyal: { loyal: 0, buyers: 0, '(none)': 0 },
        buyers: { loyal: 0, buyers: 0, '(none)': 0 },
        '(none)': { loyal: 10, buyers: 20, '(none)': 0 },
      },
    });
    const table = await segments(['matrix', '--segments', 'loyal,buyers', '--from', start]);
    expect(table.stdout.split('\n').slice(1)).toEqual([
      '        loyal  buyers  (none)',
      'loyal       0       0       0',
      'buyers      0       0       0',
      '(none)     10      20       0',
      '',
    ]);
  });

  it('answers bad usage with exit 2, and an unknown segment with exit 1', async () => {
    await seed();
    const cases: [string[], number][] = [
      [['nope'], EXIT.usage],
      [['define'], EXIT.usage],
      [['list', 'extra'], EXIT.usage],
      [['list', '--bogus'], EXIT.usage],
      [['matrix'], EXIT.usage],
      [['matrix', '--segments', 'a', '--from', 'not a date'], EXIT.usage],
      [['backfill', 'nope'], EXIT.fatal],
      [['backfill', 'nope', '--batch-size', '0'], EXIT.usage],
      [['preview', join(dir, 'missing.json')], EXIT.fatal],
    ];
    for (const [argv, expected] of cases) {
      expect((await segments(argv)).code, argv.join(' ')).toBe(expected);
    }
    const help = { stdout: '' };
    const io = { stdout: { write: (t: string) => (help.stdout += t) }, stderr: { write: () => true } };
    expect(await runCli(['segments'], io)).toBe(EXIT.usage);
    expect(await runCli(['segments', '--help'], io)).toBe(EXIT.ok);
    expect(await runCli(['help', 'segments'], io)).toBe(EXIT.ok);
    expect(help.stdout).toContain('Usage: cx segments');
    expect(await runCli(['segments', 'list', '--workspace', WS], { ...io, env: {} }), 'no --storage').toBe(
      EXIT.usage,
    );
  });

  it('cx serve --segments runs the engine and serves the segment API', async () => {
    await seed();
    const controller = new AbortController();
    let stdout = '';
    let exited: Promise<number> | undefined;
    const listening = new Promise<string>((resolve) => {
      const served = runCli(
        [
          'serve',
          '--port',
          '0',
          '--storage',
          `sqlite:${db}`,
          '--workspace',
          WS,
          '--write-key',
          'wk',
          '--read-key',
          'rk',
          '--admin-key',
          'ak',
          '--segments',
        ],
        {
          env: {},
          signal: controller.signal,
          stdout: {
            write: (text: string) => {
              stdout += text;
              const url = /listening on (http:\/\/\S+)/.exec(stdout);
              if (url) resolve(url[1]!);
            },
          },
          stderr: { write: () => true },
        },
      );
      exited = served;
    });
    const url = await listening;
    const auth = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
    const saved = await fetch(`${url}/v1/segments`, {
      method: 'POST',
      headers: { ...auth('ak'), 'content-type': 'application/json' },
      body: JSON.stringify(BUYERS),
    });
    expect(await saved.json()).toEqual({ id: 'buyers', version: 1, status: 'replaying' });
    let status = '';
    for (let attempt = 0; attempt < 100 && status !== 'live'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (
        (await (await fetch(`${url}/v1/segments/buyers`, { headers: auth('rk') })).json()) as {
          status: string;
        }
      ).status;
    }
    expect(status).toBe('live');
    const memberships = await (
      await fetch(`${url}/v1/profiles/user_id:u3/segments`, { headers: auth('rk') })
    ).json();
    expect(memberships).toMatchObject({ memberships: [{ segmentId: 'buyers' }] });
    expect(stdout).toContain('segment engine running');
    controller.abort();
    expect(await exited).toBe(EXIT.ok);
  });
});
