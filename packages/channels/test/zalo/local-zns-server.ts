import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../src/contract/channel-adapter';

/** Phone numbers (E.164) the local ZNS server answers with an error code, as Zalo would. */
export const ZNS_MAGIC_PHONES = {
  /** -118: no Zalo account for this number. */
  noAccount: '+84900000118',
  /** -119: the account cannot receive ZNS. */
  cannotReceive: '+84900000119',
  /** -108: Zalo does not take this number. */
  invalid: '+84900000108',
} as const;

const MAGIC_ERRORS: Record<string, { error: number; message: string }> = {
  [ZNS_MAGIC_PHONES.noAccount.slice(1)]: { error: -118, message: 'Zalo account not existed' },
  [ZNS_MAGIC_PHONES.cannotReceive.slice(1)]: { error: -119, message: 'Account can not receive ZNS' },
  [ZNS_MAGIC_PHONES.invalid.slice(1)]: { error: -108, message: 'Phone number invalid' },
};

/** One request the local ZNS server received. */
export interface RecordedZnsRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown> | undefined;
  accessToken: string | undefined;
  /** Zalo's `error` code in the answer, or the HTTP status when it failed at the HTTP level. */
  answered: { status: number; error?: number };
  /** Set when the request broke Zalo's API rules (a bug in the adapter, not a simulated failure). */
  problem?: string;
}

/** A failure to simulate: an outage, a refusal, or any Zalo code or HTTP status. */
export type ZnsFailure =
  | 'unavailable'
  | 'rejected'
  | { error: number; message?: string }
  | { status: number };

/** A local stand-in for the ZNS API, on loopback. */
export interface LocalZnsServer {
  /** Origin to pass as `baseUrl`. */
  url: string;
  appId: string;
  oaSecretKey: string;
  requests: RecordedZnsRequest[];
  /** `tracking_id`s (= cx message ids) of the messages sent, once per accepted request (ZNS does not dedupe). */
  delivered(): string[];
  /** The next template request fails: `unavailable` → HTTP 500, `rejected` → error -112. */
  failNext(failure: ZnsFailure): void;
  /** Makes a token valid. */
  acceptToken(token: string): void;
  /** Makes a token invalid: requests with it get error -124. */
  revokeToken(token: string): void;
  /** A `user_received_message` webhook as Zalo would post it, signed `X-ZEvent-Signature`. */
  receipt(
    msgId: string,
    options?: { trackingId?: string; deliveryTime?: number; oaSecretKey?: string },
  ): WebhookRequest;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a ZNS look-alike on 127.0.0.1 (port 0). Like Zalo, it answers HTTP 200 with
 * `{ error, message, data }`. It checks the `access_token` header against its valid tokens
 * (-124 otherwise), JSON, and the body (`phone` as 84… without '+', `template_id`, `template_data`,
 * `tracking_id`). ZNS has no idempotency key, so nothing is deduped: each accepted request counts.
 */
export async function startLocalZnsServer(
  options: { accessTokens?: string[]; appId?: string; oaSecretKey?: string } = {},
): Promise<LocalZnsServer> {
  const tokens = new Set(options.accessTokens ?? ['zns-token-1']);
  const appId = options.appId ?? '1234567890123456789';
  const oaSecretKey = options.oaSecretKey ?? 'oa-secret-key-abcdefghijklmnop';
  const requests: RecordedZnsRequest[] = [];
  const counted: string[] = [];
  const failures: ZnsFailure[] = [];
  let remainingQuota = 500;

  const server = createServer(async (request, response) => {
    const text = await readBody(request);
    let json: Record<string, unknown> | undefined;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      json = undefined;
    }
    const token = request.headers['access_token'];
    const record: RecordedZnsRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      json,
      accessToken: typeof token === 'string' ? token : undefined,
      answered: { status: 0 },
    };
    requests.push(record);
    const httpFail = (status: number) => {
      record.answered = { status };
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end('Internal Server Error');
    };
    const zalo = (error: number, message: string, data?: unknown) => {
      record.answered = { status: 200, error };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(data === undefined ? { error, message } : { error, message, data }));
    };
    const refuse = (error: number, problem: string) => {
      record.problem = problem;
      zalo(error, problem);
    };

    if (record.accessToken === undefined || !tokens.has(record.accessToken)) {
      return zalo(-124, 'Access token is invalid');
    }
    if (request.method === 'GET' && record.path === '/message/quota') {
      return zalo(0, 'Success', { dailyQuota: '500', remainingQuota: String(remainingQuota) });
    }
    if (request.method !== 'POST' || record.path !== '/message/template')
      return refuse(-106, 'Method unsupported');
    if (!request.headers['content-type']?.startsWith('application/json'))
      return refuse(-122, 'Body is not JSON');
    if (!json) return refuse(-122, 'Body is not JSON');
    const phone = json['phone'];
    if (typeof phone !== 'string' || !/^84\d{9,10}$/.test(phone)) return refuse(-108, 'Phone number invalid');
    if (typeof json['template_id'] !== 'string' || json['template_id'] === '')
      return refuse(-109, 'Template ID invalid');
    const data = json['template_data'];
    if (typeof data !== 'object' || data === null || Array.isArray(data))
      return refuse(-111, 'Template data empty');
    if (typeof json['tracking_id'] !== 'string' || json['tracking_id'] === '')
      return refuse(-132, 'tracking_id missing');

    const failure = failures.shift();
    if (failure === 'unavailable') return httpFail(500);
    if (failure === 'rejected') return zalo(-112, 'Template data invalid');
    if (failure && 'status' in failure) return httpFail(failure.status);
    if (failure && 'error' in failure)
      return zalo(failure.error, failure.message ?? `error ${failure.error}`);

    const magic = MAGIC_ERRORS[phone];
    if (magic) return zalo(magic.error, magic.message);
    counted.push(json['tracking_id']);
    remainingQuota -= 1;
    return zalo(0, 'Success', {
      msg_id: randomBytes(16).toString('hex'),
      sent_time: String(Date.now()),
      quota: { dailyQuota: '500', remainingQuota: String(remainingQuota) },
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    appId,
    oaSecretKey,
    requests,
    delivered: () => [...counted],
    failNext: (failure) => {
      failures.push(failure);
    },
    acceptToken: (token) => {
      tokens.add(token);
    },
    revokeToken: (token) => {
      tokens.delete(token);
    },
    receipt(msgId, receiptOptions = {}) {
      const timestamp = '1767225600000';
      const body = JSON.stringify({
        app_id: appId,
        sender: { id: '579745863508352884' },
        recipient: { id: '2512523625412515' },
        event_name: 'user_received_message',
        message: {
          msg_id: msgId,
          delivery_time: String(receiptOptions.deliveryTime ?? 1767225599000),
          ...(receiptOptions.trackingId ? { tracking_id: receiptOptions.trackingId } : {}),
        },
        timestamp,
      });
      // Zalo's scheme, written out here independently of the adapter's: sha256(appId + body + timestamp + secret).
      const mac = createHash('sha256')
        .update(appId + body + timestamp + (receiptOptions.oaSecretKey ?? oaSecretKey))
        .digest('hex');
      return {
        method: 'POST',
        url: 'https://cx.example.com/webhooks/zalo',
        headers: { 'content-type': 'application/json', 'x-zevent-signature': `mac=${mac}` },
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
