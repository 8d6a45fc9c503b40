import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '@cx/core';
import { verifyWebhookSignature, type WebhookSecret } from '../../src/adapters/webhook';

/** How the receiver answers the next request instead of taking it. */
export type ReceiverFailure = 'unavailable' | 'rejected' | 'rate-limited' | 'gone';

/** One request the receiver got, and what it made of it. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | undefined>;
  body: string;
  /** The parsed body, when it was JSON. */
  json: unknown;
  /** The signature held. */
  verified: boolean;
  /** Its `Idempotency-Key` was seen before, so it was dropped. */
  duplicate: boolean;
  /** What the header and body checks found wrong; empty when nothing. */
  problems: string[];
  /** The status the receiver answered. */
  status: number;
}

/** A webhook endpoint on loopback that behaves as a careful receiver of cx webhooks should. */
export interface LocalWebhookReceiver {
  /** The endpoint's base URL; `${url}/gone` always answers 410 Gone, `${url}/moved` 307. */
  url: string;
  /** Every request, in arrival order. */
  requests: ReceivedRequest[];
  /** The idempotency keys taken, once each. */
  delivered(): string[];
  /** Answers the next request with a failure instead of taking it. */
  failNext(kind: ReceiverFailure): void;
  close(): Promise<void>;
}

const FAILURES: Record<ReceiverFailure, { status: number; headers?: Record<string, string> }> = {
  unavailable: { status: 503 },
  rejected: { status: 400 },
  'rate-limited': { status: 429, headers: { 'retry-after': '7' } },
  gone: { status: 410 },
};

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The header and body checks a receiver makes once the signature holds. */
function problemsOf(headers: Record<string, string | undefined>, json: unknown): string[] {
  const problems: string[] = [];
  const key = headers['idempotency-key'];
  if (!key) problems.push('no Idempotency-Key');
  if (headers['x-cx-message-id'] !== key) problems.push('X-Cx-Message-Id differs from Idempotency-Key');
  if (!headers['content-type']?.startsWith('application/json')) problems.push('not application/json');
  if (typeof json !== 'object' || json === null) problems.push('body is not a JSON object');
  else if ('id' in json && (json as { id: unknown }).id !== key)
    problems.push('body id differs from the key');
  else if (!('id' in json) && typeof (json as { text?: unknown }).text !== 'string') {
    problems.push('body is neither the cx nor the slack format');
  }
  return problems;
}

/**
 * Starts a webhook receiver on 127.0.0.1 (a free port) that verifies every request's signature
 * with `verifyWebhookSignature`, checks its headers and body, and dedupes by `Idempotency-Key`.
 */
export async function startLocalWebhookReceiver(options: {
  secret: WebhookSecret;
  clock?: Clock;
}): Promise<LocalWebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const taken: string[] = [];
  const failures: ReceiverFailure[] = [];

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : value,
      ]),
    );
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const record: ReceivedRequest = {
      path: req.url ?? '/',
      headers,
      body,
      json,
      verified: false,
      duplicate: false,
      problems: [],
      status: 0,
    };
    requests.push(record);
    const answer = (status: number, extra: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...extra }).end(JSON.stringify({ status }));
    };

    try {
      verifyWebhookSignature({
        secret: options.secret,
        header: headers['x-cx-signature'],
        body,
        ...(options.clock ? { now: options.clock.now() } : {}),
      });
      record.verified = true;
    } catch {
      answer(401);
      return;
    }
    if (record.path === '/gone') {
      answer(410);
      return;
    }
    if (record.path === '/moved') {
      answer(307, { location: '/elsewhere' });
      return;
    }
    const failure = failures.shift();
    if (failure) {
      answer(FAILURES[failure].status, FAILURES[failure].headers);
      return;
    }
    record.problems = problemsOf(headers, json);
    if (record.problems.length > 0) {
      answer(400);
      return;
    }
    const key = headers['idempotency-key'] as string;
    if (taken.includes(key)) {
      record.duplicate = true;
    } else {
      taken.push(key);
    }
    answer(200);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered: () => [...taken],
    failNext: (kind) => {
      failures.push(kind);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
