import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { sqliteStorage } from '@cx/storage-sqlite';
import { describe, expect, it } from 'vitest';
import { EXIT, runCli } from '../src';

function buffers() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (text: string) => (out.stdout += text) },
      stderr: { write: (text: string) => (out.stderr += text) },
    },
  };
}

describe('runCli in process', () => {
  it('imports NDJSON events from stdin (-) and prints the summary as JSON', async () => {
    const { out, io } = buffers();
    const stdin = Readable.from([
      '{"event":"Viewed","userId":"u1"}\n{"event":"Bought","userId":"u1","properties":{"revenue":5}}\n{"event":"No id"}\n',
    ]);
    const code = await runCli(
      [
        'import',
        '--storage',
        'memory',
        '--workspace',
        'acme',
        '--kind',
        'events',
        '--format',
        'ndjson',
        '--json',
        '-',
      ],
      { ...io, stdin },
    );
    expect(code).toBe(EXIT.rowsRejected);
    expect(JSON.parse(out.stdout)).toMatchObject({
      rows: 3,
      accepted: 2,
      rejected: 1,
      duplicates: 0,
      suppressed: 0,
    });
    expect(out.stderr).toContain('row 3 (line 3): VALIDATION');
  });

  it('reads national phone numbers with --phone-region, and refuses an unknown region', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cx-cli-region-'));
    try {
      const file = join(dir, 'cx.db');
      const importPhones = async (workspace: string, flags: string[]) => {
        const { out, io } = buffers();
        const stdin = Readable.from(['phone,first_name\n0912 345 678,An\n']);
        const argv = [
          'import',
          '--storage',
          `sqlite:${file}`,
          '--workspace',
          workspace,
          '--kind',
          'customers',
        ];
        const code = await runCli([...argv, '--format', 'csv', '--json', ...flags, '-'], {
          ...io,
          stdin,
          env: {},
        });
        return { code, summary: code === EXIT.usage ? undefined : JSON.parse(out.stdout) };
      };
      expect(await importPhones('plain', [])).toMatchObject({ code: EXIT.ok, summary: { accepted: 1 } });
      expect(await importPhones('vn', ['--phone-region', 'VN'])).toMatchObject({
        code: EXIT.ok,
        summary: { accepted: 1 },
      });
      expect((await importPhones('vn', ['--phone-region', 'XX'])).code).toBe(EXIT.usage);
      const storage = sqliteStorage({ filename: file });
      try {
        const phone = { type: 'phone', value: '+84912345678' };
        // Without a region the national number is not an identifier (the row is kept by its
        // derived anonymous id); with VN it is read to E.164.
        expect(await storage.profiles.findByIdentifier('plain', phone)).toBeNull();
        expect((await storage.profiles.findByIdentifier('vn', phone))?.traits).toMatchObject({
          first_name: 'An',
        });
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers usage errors with exit 2 and help with exit 0', async () => {
    const cases: [string[], number][] = [
      [[], EXIT.usage],
      [['nope'], EXIT.usage],
      [['--help'], EXIT.ok],
      [['serve', '--help'], EXIT.ok],
      [['import', '--help'], EXIT.ok],
      [['serve'], EXIT.usage], // no write key
      [['serve', '--write-key', 'k', '--port', '70000'], EXIT.usage],
      [['serve', '--write-key', 'k', '--bogus'], EXIT.usage],
      [['serve', '--write-key', 'k', '--read-key', 'sha256:not-hex'], EXIT.usage],
      [['serve', '--write-key', 'k', '--admin-key', 'k'], EXIT.usage], // one key, two scopes
      [['import', '--storage', 'memory', '--workspace', 'acme', '--kind', 'people', 'x.csv'], EXIT.usage],
      [['import', '--storage', 'memory', '--workspace', 'acme', '--kind', 'events', 'x.txt'], EXIT.usage],
      [['import', '--storage', 'memory', '--workspace', 'acme', '--kind', 'events'], EXIT.usage],
    ];
    for (const [argv, expected] of cases) {
      const { io } = buffers();
      expect(await runCli(argv, { ...io, env: {} }), argv.join(' ')).toBe(expected);
    }
  });
});
