import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createIdentity } from '@cx/identity';
import { sqliteStorage } from '@cx/storage-sqlite';
import { Analytics } from '@segment/analytics-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real `cx` entry point from source, as a separate process. */
function cx(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=@cx/source', '--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess) {
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => {
    out.stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    out.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { out, exited };
}

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cx-cli-'));
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the cx binary', () => {
  it('cx serve: analytics-node delivers to it, the profile is readable, SIGTERM stops it cleanly', async () => {
    const db = join(dir, 'serve.db');
    const child = cx([
      'serve',
      '--port',
      '0',
      '--storage',
      `sqlite:${db}`,
      '--write-key',
      'wk_cli',
      '--read-key',
      'rk_old',
      '--read-key',
      `sha256:${createHash('sha256').update('rk_new').digest('hex')}`,
      '--workspace',
      'acme',
    ]);
    children.push(child);
    const { out, exited } = collect(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', () => {
        const match = /listening on (http:\/\/[^\s]+)/.exec(out.stdout);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`cx serve exited with ${code}: ${out.stderr}`)));
    });

    const analytics = new Analytics({ writeKey: 'wk_cli', host: url, flushAt: 1, maxRetries: 0 });
    const failures: unknown[] = [];
    const done = (error?: unknown) => {
      if (error) failures.push(error);
    };
    analytics.identify({ userId: 'u1', traits: { email: 'an@example.com', plan: 'pro' } }, done);
    analytics.track({ userId: 'u1', event: 'Signed Up' }, done);
    analytics.page({ userId: 'u1', name: 'Home' }, done);
    analytics.group({ userId: 'u1', groupId: 'g1' }, done);
    analytics.alias({ userId: 'u1', previousId: 'anon-1' }, done);
    await analytics.closeAndFlush({ timeout: 10_000 });
    expect(failures).toEqual([]);

    expect(out.stdout).toContain('cx serve: collection (POST /v1/track, /v1/batch, ...) open to 1 write key');
    expect(out.stdout).toContain('cx serve: Profile API reads open to 2 read keys');
    expect(out.stdout).toContain('cx serve: profile deletes and the work queue API closed');
    const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` });
    const profileUrl = `${url}/v1/profiles/email:an%40example.com`;
    expect((await fetch(profileUrl, { headers: basic('wk_cli') })).status).toBe(401);
    expect((await fetch(profileUrl, { method: 'DELETE', headers: basic('rk_old') })).status).toBe(401);
    expect((await fetch(profileUrl, { headers: basic('rk_old') })).status).toBe(200);
    const profile = await fetch(profileUrl, { headers: basic('rk_new') });
    expect(profile.status).toBe(200);
    const body = (await profile.json()) as { identifiers: unknown[]; traits: Record<string, unknown> };
    expect(body.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'user_id', value: 'u1' },
        { type: 'anonymous_id', value: 'anon-1' },
      ]),
    );
    expect(body.traits).toMatchObject({ plan: 'pro' });
    expect(
      (await fetch(`${url}/v1/profiles/user_id:u1`, { headers: { authorization: 'Basic d3Jvbmc6' } })).status,
    ).toBe(401);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.stdout).toContain('cx serve: stopped');
  });

  it('cx import: streams a CSV with a bad row, reports it to --errors, imports the rest, exits 3', async () => {
    const db = join(dir, 'import.db');
    const csv = join(dir, 'customers.csv');
    const errors = join(dir, 'errors.ndjson');
    writeFileSync(
      csv,
      'user_id,email,phone,first_name\n' +
        'u1,an@example.com,0901234567,An\n' +
        'u2,bo@example.com\n' + // one cell short: reported, not imported
        ',cu@example.com,,Cu\n' + // no user_id: identified by email
        'u4,di@example.com,,Di\n',
    );
    const child = cx([
      'import',
      '--storage',
      `sqlite:${db}`,
      '--workspace',
      'acme',
      '--kind',
      'customers',
      '--errors',
      errors,
      csv,
    ]);
    children.push(child);
    const { out, exited } = collect(child);
    expect(await exited).toBe(3);
    expect(out.stdout).toContain('imported 4 rows');
    expect(out.stderr).toMatch(/import: .*4 rows/);
    const reported = readFileSync(errors, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(reported).toEqual([expect.objectContaining({ row: 2, line: 3, code: 'VALIDATION' })]);

    const storage = sqliteStorage({ filename: db });
    try {
      const identity = createIdentity({ storage });
      for (const email of ['an@example.com', 'cu@example.com', 'di@example.com']) {
        expect(await identity.getProfile('acme', { type: 'email', value: email }), email).not.toBeNull();
      }
      expect(await identity.getProfile('acme', { type: 'user_id', value: 'u2' })).toBeNull();
    } finally {
      await storage.close();
    }
  });

  it('exits 2 with usage on bad flags, and 1 on a missing file', async () => {
    const bad = cx([
      'import',
      '--storage',
      'nosuch:x',
      '--workspace',
      'acme',
      '--kind',
      'customers',
      'x.csv',
    ]);
    children.push(bad);
    const badRun = collect(bad);
    expect(await badRun.exited).toBe(2);
    expect(badRun.out.stderr).toContain('Unknown storage');

    const missing = cx([
      'import',
      '--storage',
      'memory',
      '--workspace',
      'acme',
      '--kind',
      'events',
      join(dir, 'none.csv'),
    ]);
    children.push(missing);
    const missingRun = collect(missing);
    expect(await missingRun.exited).toBe(1);
    expect(missingRun.out.stderr).toContain('NOT_FOUND');
  });
});
