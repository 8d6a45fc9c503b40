import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../src/contract/channel-adapter';

/** One request the local gateway received. */
export interface RecordedGatewayRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed. */
  json: Record<string, unknown> | undefined;
  idempotencyKey: string | undefined;
  status: number;
  /** Set when the request broke the gateway's rules (a bug in the adapter, not a simulated failure). */
  problem?: string;
  /** True when the idempotency key was seen before and the first answer was replayed. */
  replayed: boolean;
}

/** A local HTTP SMS gateway, on loopback. */
export interface LocalSmsGateway {
  /** The endpoint to pass as `url` (`<origin>/v1/messages`). */
  url: string;
  token: string;
  webhookSecret: string;
  requests: RecordedGatewayRequest[];
  /** Idempotency keys (= cx message ids) of the messages counted, once each. */
  delivered(): string[];
  /** The next request fails: `unavailable` → 503, `rejected` → 400. */
  failNext(kind: 'unavailable' | 'rejected'): void;
  /** A delivery report as the gateway would post it, signed `X-Cx-Signature`. */
  report(
    providerMessageId: string,
    status: string,
    options?: { at?: string; reason?: string; unixSeconds?: number; secret?: string },
  ): WebhookRequest;
  close(): Promise<void>;
}

/** Options of {@link startLocalSmsGateway}. */
export interface LocalSmsGatewayOptions {
  token?: string;
  webhookSecret?: string;
  /** Puts the id at `data.messageId` instead of `id`, to test `responseId`. */
  nestedId?: boolean;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a gateway on 127.0.0.1 (port 0) that checks each request (POST `/v1/messages`, bearer
 * token, JSON, `Idempotency-Key` equal to the body's `id`, every field typed) and DEDUPES on the
 * key: a repeated key gets the first answer again and is not counted. Only successes are
 * remembered, so a failed send can be retried with the same key.
 */
export async function startLocalSmsGateway(options: LocalSmsGatewayOptions = {}): Promise<LocalSmsGateway> {
  const token = options.token ?? 'gateway-token-0123456789';
  const webhookSecret = options.webhookSecret ?? 'gateway-webhook-secret-0123456789abcdef';
  const requests: RecordedGatewayRequest[] = [];
  const counted: string[] = [];
  const byKey = new Map<string, unknown>();
  const failures: ('unavailable' | 'rejected')[] = [];
  let serial = 0;

  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    const key = request.headers['idempotency-key'];
    const record: RecordedGatewayRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      json,
      idempotencyKey: typeof key === 'string' ? key : undefined,
      status: 0,
      replayed: false,
    };
    requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const refuse = (status: number, problem: string) => {
      record.problem = problem;
      reply(status, { error: problem });
    };

    if (request.method !== 'POST' || record.path !== '/v1/messages') return refuse(404, 'no such route');
    if (request.headers.authorization !== `Bearer ${token}`) return refuse(401, 'bad bearer token');
    if (!request.headers['content-type']?.startsWith('application/json')) return refuse(415, 'expected JSON');
    if (!json) return refuse(400, 'body is not JSON');
    if (!record.idempotencyKey) return refuse(400, 'Idempotency-Key is missing');
    if (json['id'] !== record.idempotencyKey) return refuse(400, 'Idempotency-Key differs from id');
    if (typeof json['to'] !== 'string' || !/^\+[1-9]\d{6,14}$/.test(json['to']))
      return refuse(400, 'to is not E.164');
    if (typeof json['text'] !== 'string' || json['text'] === '') return refuse(400, 'text is empty');
    if (json['encoding'] !== 'GSM-7' && json['encoding'] !== 'UCS-2') return refuse(400, 'bad encoding');
    if (!Number.isInteger(json['segments']) || (json['segments'] as number) < 1)
      return refuse(400, 'bad segments');
    if (json['from'] !== undefined && typeof json['from'] !== 'string') return refuse(400, 'bad from');

    const failure = failures.shift();
    if (failure === 'unavailable') return reply(503, { error: 'temporarily unavailable' });
    if (failure === 'rejected') return reply(400, { error: 'sender not registered' });

    const first = byKey.get(record.idempotencyKey);
    if (first !== undefined) {
      record.replayed = true;
      return reply(200, first);
    }
    const id = `gw-${++serial}`;
    const body = options.nestedId ? { data: { messageId: id } } : { id };
    byKey.set(record.idempotencyKey, body);
    counted.push(record.idempotencyKey);
    return reply(202, body);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/v1/messages`,
    token,
    webhookSecret,
    requests,
    delivered: () => [...counted],
    failNext: (kind) => {
      failures.push(kind);
    },
    report(providerMessageId, status, reportOptions = {}) {
      const body = JSON.stringify({
        id: providerMessageId,
        status,
        at: reportOptions.at ?? '2026-01-01T00:00:00.000Z',
        ...(reportOptions.reason ? { reason: reportOptions.reason } : {}),
      });
      const t = String(reportOptions.unixSeconds ?? Math.floor(Date.now() / 1000));
      const v1 = createHmac('sha256', reportOptions.secret ?? webhookSecret)
        .update(`${t}.${body}`)
        .digest('hex');
      return {
        method: 'POST',
        url: 'https://cx.example.com/webhooks/sms-gateway',
        headers: { 'content-type': 'application/json', 'x-cx-signature': `t=${t},v1=${v1}` },
        body,
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
