import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the gateway received. */
export interface GatewayRequest {
  key: string;
  to: string;
  text: string;
  /** True when the key was seen before: the first answer was replayed and nothing counted. */
  replayed: boolean;
}

/** A local HTTP SMS gateway that honours idempotency keys, on loopback. */
export interface LocalSmsGateway {
  url: string;
  token: string;
  requests: GatewayRequest[];
  /** Idempotency keys (cx message ids) of the messages delivered, once each. */
  delivered(): string[];
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a gateway on 127.0.0.1 that checks each request (POST `/v1/messages`, bearer token,
 * `Idempotency-Key` equal to the body's `id`, an E.164 `to`, a text) and dedupes on the key, as
 * real gateways do: a repeated key gets the first answer and is not counted again.
 */
export async function startLocalSmsGateway(): Promise<LocalSmsGateway> {
  const token = 'journey-gateway-token-0123456789';
  const requests: GatewayRequest[] = [];
  const counted: string[] = [];
  const answers = new Map<string, unknown>();
  let serial = 0;
  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || request.url !== '/v1/messages')
      return reply(404, { error: 'no such route' });
    if (request.headers.authorization !== `Bearer ${token}`) return reply(401, { error: 'bad token' });
    if (typeof key !== 'string' || json.id !== key) return reply(400, { error: 'bad Idempotency-Key' });
    if (typeof json.to !== 'string' || !/^\+[1-9]\d{6,14}$/.test(json.to))
      return reply(400, { error: 'bad to' });
    if (typeof json.text !== 'string' || json.text === '') return reply(400, { error: 'empty text' });
    const first = answers.get(key);
    requests.push({ key, to: json.to, text: json.text, replayed: first !== undefined });
    if (first !== undefined) return reply(200, first);
    const answer = { id: `gw-${++serial}`, status: 'accepted' };
    answers.set(key, answer);
    counted.push(key);
    return reply(200, answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/messages`,
    token,
    requests,
    delivered: () => [...counted],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
