import { Readable } from 'node:stream';
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
