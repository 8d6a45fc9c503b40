import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importFile, type RowError } from '../src';
import { recordingIdentity } from './recording-identity';

const fromText = (text: string) => Readable.from([Buffer.from(text)]);

async function run(text: string, format: 'csv' | 'ndjson', kind: 'customers' | 'events', batchSize = 500) {
  const recorder = recordingIdentity();
  const errors: RowError[] = [];
  const summary = await importFile({
    identity: recorder.identity,
    workspaceId: 'acme',
    source: fromText(text),
    format,
    kind,
    batchSize,
    onRowError: (error) => {
      errors.push(error);
    },
  });
  return { summary, errors, calls: recorder.calls(), batches: recorder.batches };
}

describe('importFile: CSV customers', () => {
  it('maps identifier columns and traits to identify calls, coercing plain cells', async () => {
    const { summary, calls } = await run(
      'user_id,email,phone,first_name,age,vip,zip\n' +
        'u1, An@Example.com ,0901234567,An,31,true,01234\n' +
        ',bo@example.com,,"Bo, Jr.",,false,\n',
      'csv',
      'customers',
    );
    expect(summary).toEqual({ rows: 2, accepted: 2, duplicates: 0, rejected: 0, suppressed: 0 });
    expect(calls[0]).toMatchObject({
      type: 'identify',
      userId: 'u1',
      traits: {
        email: 'An@Example.com',
        phone: '0901234567',
        first_name: 'An',
        age: 31,
        vip: true,
        zip: '01234',
      },
    });
    expect(calls[1]).toMatchObject({
      type: 'identify',
      traits: { email: 'bo@example.com', first_name: 'Bo, Jr.', vip: false },
    });
    expect(calls[1]!.anonymousId).toMatch(/^imp_[0-9a-f]{24}$/);
    expect(calls[1]!.userId).toBeUndefined();
  });

  it('reports a bad row with its row and line numbers and imports the rest', async () => {
    const { summary, errors, calls } = await run(
      'user_id,email\nu1,a@x.co\nu2,b@x.co,extra\n,\nu4,"multi\nline"\nu5,e@x.co\n',
      'csv',
      'customers',
      2,
    );
    expect(summary).toEqual({ rows: 5, accepted: 3, duplicates: 0, rejected: 2, suppressed: 0 });
    expect(errors.map(({ row, line, code }) => ({ row, line, code }))).toEqual([
      { row: 2, line: 3, code: 'VALIDATION' },
      { row: 3, line: 4, code: 'VALIDATION' },
    ]);
    expect(calls.map((call) => call.userId)).toEqual(['u1', 'u4', 'u5']);
  });

  it('reports rows identity rejects (a bad timestamp) with the reason', async () => {
    const { summary, errors } = await run(
      'user_id,timestamp\nu1,yesterday\nu2,2026-01-01T00:00:00Z\n',
      'csv',
      'customers',
    );
    expect(summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
    expect(errors[0]).toMatchObject({
      row: 1,
      line: 2,
      code: 'VALIDATION',
      messageId: expect.stringMatching(/^import-/),
    });
    expect(errors[0]!.issues?.[0]?.path).toBe('timestamp');
  });

  it('derives message ids from content, so a second import of the same file stores nothing twice', async () => {
    const recorder = recordingIdentity();
    const text = 'user_id,email\nu1,a@x.co\nu2,b@x.co\n';
    const options = {
      identity: recorder.identity,
      workspaceId: 'acme',
      format: 'csv',
      kind: 'customers',
    } as const;
    await importFile({ ...options, source: fromText(text) });
    const again = await importFile({ ...options, source: fromText(text) });
    expect(again).toEqual({ rows: 2, accepted: 0, duplicates: 2, rejected: 0, suppressed: 0 });
  });

  it('refuses a header without any identifier column, and a file cut by an unclosed quote', async () => {
    await expect(run('name,age\nAn,3\n', 'csv', 'customers')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(run('user_id,event\nu1,Viewed\n', 'csv', 'events')).resolves.toBeTruthy();
    await expect(run('user_id\nu1\n', 'csv', 'events')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(run('', 'csv', 'customers')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(run('user_id,email\nu1,"open\n', 'csv', 'customers')).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

describe('importFile: CSV events', () => {
  it('maps event, ids, timestamp and properties.* to track calls', async () => {
    const { summary, calls } = await run(
      'event,user_id,anonymous_id,timestamp,properties.revenue,properties.sku,message_id\n' +
        'Order Completed,u1,,2026-01-02T03:04:05Z,19.99,A-1,m1\n' +
        'Viewed,,a1,1767225600,,,\n',
      'csv',
      'events',
    );
    expect(summary.accepted).toBe(2);
    expect(calls[0]).toEqual({
      type: 'track',
      event: 'Order Completed',
      userId: 'u1',
      messageId: 'm1',
      timestamp: '2026-01-02T03:04:05Z',
      properties: { revenue: 19.99, sku: 'A-1' },
    });
    expect(calls[1]).toMatchObject({
      event: 'Viewed',
      anonymousId: 'a1',
      timestamp: '2026-01-01T00:00:00.000Z',
      properties: {},
    });
  });

  it('rejects an event row with no user_id or anonymous_id', async () => {
    const { summary, errors } = await run('event,user_id\nViewed,\nViewed,u1\n', 'csv', 'events');
    expect(summary).toMatchObject({ accepted: 1, rejected: 1 });
    expect(errors[0]).toMatchObject({ row: 1, code: 'VALIDATION' });
  });
});

describe('importFile: NDJSON', () => {
  it('imports one call per line, skipping blank lines and reporting bad ones', async () => {
    const { summary, errors, calls } = await run(
      '{"type":"track","event":"A","userId":"u1"}\r\n\n{"event":"B","userId":"u2"}\nnot json\n[1]\n{"userId":"u3","event":"C"}',
      'ndjson',
      'events',
    );
    expect(summary).toEqual({ rows: 5, accepted: 3, duplicates: 0, rejected: 2, suppressed: 0 });
    expect(errors.map(({ row, line }) => ({ row, line }))).toEqual([
      { row: 3, line: 4 },
      { row: 4, line: 5 },
    ]);
    expect(calls.map((call) => call.type)).toEqual(['track', 'track', 'track']);
  });

  it('uses identify for customers when a line has no type', async () => {
    const { calls } = await run('{"userId":"u1","traits":{"email":"a@x.co"}}\n', 'ndjson', 'customers');
    expect(calls[0]).toMatchObject({ type: 'identify', userId: 'u1' });
  });

  it('refuses a line longer than 1 MB without holding it, and goes on', async () => {
    const big = `{"userId":"u1","event":"${'x'.repeat(1_100_000)}"}`;
    const chunks = [big.slice(0, 600_000), big.slice(600_000), '\n{"userId":"u2","event":"ok"}\n'];
    const recorder = recordingIdentity();
    const errors: RowError[] = [];
    const summary = await importFile({
      identity: recorder.identity,
      workspaceId: 'acme',
      source: Readable.from(chunks),
      format: 'ndjson',
      kind: 'events',
      onRowError: (error) => {
        errors.push(error);
      },
    });
    expect(summary).toMatchObject({ rows: 2, accepted: 1, rejected: 1 });
    expect(errors[0]).toMatchObject({ row: 1, line: 1, code: 'LIMIT' });
  });
});

describe('importFile: streaming', () => {
  it.each(['csv', 'ndjson'] as const)(
    '%s: reading waits for ingestion, so memory holds about one batch',
    async (format) => {
      // Far more rows than the read-ahead bound below, so a reader that ran ahead would show.
      const total = 20_000;
      const batchSize = 500;
      let produced = 0;
      let ingested = 0;
      let worstLead = 0;
      const source = new Readable({
        read() {
          if (produced === 0 && format === 'csv') this.push('user_id,email\n');
          if (produced >= total) return void this.push(null);
          const lines: string[] = [];
          for (let i = 0; i < 50 && produced < total; i++, produced++) {
            lines.push(
              format === 'csv'
                ? `u${produced},p${produced}@x.co`
                : JSON.stringify({ userId: `u${produced}` }),
            );
          }
          this.push(`${lines.join('\n')}\n`);
        },
      });
      const recorder = recordingIdentity({
        onIngest: (batch) => {
          worstLead = Math.max(worstLead, produced - ingested);
          ingested += batch.length;
        },
      });
      const summary = await importFile({
        identity: recorder.identity,
        workspaceId: 'acme',
        source,
        format,
        kind: 'customers',
        batchSize,
      });
      expect(summary.accepted).toBe(total);
      expect(recorder.batches.length).toBe(total / batchSize);
      // Rows read ahead of ingestion stay within a batch plus the stream buffers, not the file.
      expect(worstLead).toBeLessThan(batchSize + 3_000);
    },
    // Real identity resolution of every row; generous for a loaded CI machine.
    120_000,
  );
});
