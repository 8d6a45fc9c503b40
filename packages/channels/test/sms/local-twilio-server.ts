import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookRequest } from '../../src/contract/channel-adapter';

/**
 * Twilio's magic test numbers (twilio.com/docs/iam/test-credentials), answered the way Twilio's
 * test credentials answer them.
 */
export const TWILIO_MAGIC_NUMBERS = {
  /** 21211: invalid 'To' number. */
  invalid: '+15005550001',
  /** 21612: cannot route to this number. */
  cannotRoute: '+15005550002',
  /** 21408: no permission to send to the number's region. */
  noRegionPermission: '+15005550003',
  /** 21610: the recipient replied STOP. */
  stopped: '+15005550004',
  /** 21614: not a mobile number. */
  notMobile: '+15005550009',
} as const;

const MAGIC_ERRORS: Record<string, { code: number; message: string }> = {
  [TWILIO_MAGIC_NUMBERS.invalid]: { code: 21211, message: "The 'To' number is not a valid phone number." },
  [TWILIO_MAGIC_NUMBERS.cannotRoute]: {
    code: 21612,
    message: "The 'To' phone number is not currently reachable.",
  },
  [TWILIO_MAGIC_NUMBERS.noRegionPermission]: {
    code: 21408,
    message: 'Permission to send an SMS has not been enabled.',
  },
  [TWILIO_MAGIC_NUMBERS.stopped]: { code: 21610, message: 'Attempt to send to unsubscribed recipient' },
  [TWILIO_MAGIC_NUMBERS.notMobile]: { code: 21614, message: "'To' number is not a valid mobile number" },
};

/** One request the local Twilio received. */
export interface RecordedTwilioRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form fields of a POST. */
  form: Record<string, string>;
  idempotencyKey: string | undefined;
  /** What the server answered. */
  status: number;
  /** Set when the request broke Twilio's API rules (a bug in the adapter, not a simulated failure). */
  problem?: string;
  /** True when the idempotency key was seen before and the first answer was replayed. */
  replayed: boolean;
}

/** A local stand-in for Twilio's Messages API, on loopback. */
export interface LocalTwilioServer {
  /** Origin to pass as `baseUrl`. */
  url: string;
  accountSid: string;
  authToken: string;
  requests: RecordedTwilioRequest[];
  /** Idempotency keys (= cx message ids) of the messages counted, once each. */
  delivered(): string[];
  /** The next Messages request fails: `unavailable` → 503, `rejected` → 400 (code 21606). */
  failNext(kind: 'unavailable' | 'rejected'): void;
  /** A status callback as Twilio would post it, signed with the auth token. */
  statusCallback(
    sid: string,
    status: string,
    options?: { url?: string; errorCode?: string; authToken?: string },
  ): WebhookRequest;
  close(): Promise<void>;
}

/** Twilio's signature, written out here independently of the adapter's, so a shared bug cannot hide. */
function sign(authToken: string, url: string, params: Record<string, string>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(data).digest('base64');
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answer(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/**
 * Starts a Twilio look-alike on 127.0.0.1 (port 0). It checks what real Twilio checks (Basic auth,
 * form encoding, `To`, `Body`, exactly one of `From` / `MessagingServiceSid`) plus the
 * `I-Twilio-Idempotency-Token` cx always sends, and DEDUPES on that token: a repeated token gets
 * the first answer again and is not counted. Only successes are remembered, so a send that failed
 * can be retried with the same token.
 */
export async function startLocalTwilioServer(
  options: { accountSid?: string; authToken?: string } = {},
): Promise<LocalTwilioServer> {
  const accountSid = options.accountSid ?? `AC${randomBytes(16).toString('hex')}`;
  const authToken = options.authToken ?? randomBytes(16).toString('hex');
  const expectedAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
  const messagesPath = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
  const accountPath = `/2010-04-01/Accounts/${accountSid}.json`;
  const requests: RecordedTwilioRequest[] = [];
  const counted: string[] = [];
  const byKey = new Map<string, unknown>();
  const failures: ('unavailable' | 'rejected')[] = [];

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const path = request.url ?? '';
    const key = request.headers['i-twilio-idempotency-token'];
    const record: RecordedTwilioRequest = {
      method: request.method ?? '',
      path,
      headers: request.headers,
      form: Object.fromEntries(new URLSearchParams(body)),
      idempotencyKey: typeof key === 'string' ? key : undefined,
      status: 0,
      replayed: false,
    };
    requests.push(record);
    const reply = (status: number, json: unknown, headers?: Record<string, string>) => {
      record.status = status;
      answer(response, status, json, headers);
    };
    const refuse = (status: number, code: number, problem: string) => {
      record.problem = problem;
      reply(status, { code, message: problem, status });
    };

    if (request.headers.authorization !== expectedAuth) return refuse(401, 20003, 'Authenticate');
    if (request.method === 'GET' && path === accountPath)
      return reply(200, { sid: accountSid, status: 'active' });
    if (request.method !== 'POST' || path !== messagesPath)
      return refuse(404, 20404, `no route ${request.method} ${path}`);
    if (!request.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
      return refuse(400, 21000, 'expected a form-encoded body');
    }
    if (record.idempotencyKey === undefined)
      return refuse(400, 21000, 'I-Twilio-Idempotency-Token is missing');
    const { To, Body, From, MessagingServiceSid } = record.form;
    if (!To || !/^\+[1-9]\d{6,14}$/.test(To))
      return refuse(400, 21211, "The 'To' number is not a valid phone number.");
    if (!Body) return refuse(400, 21602, 'Message body is required.');
    if ((From === undefined) === (MessagingServiceSid === undefined)) {
      return refuse(400, 21603, "Give exactly one of 'From' and 'MessagingServiceSid'.");
    }

    const failure = failures.shift();
    if (failure === 'unavailable') {
      return reply(503, { code: 20503, message: 'Service Unavailable', status: 503 }, { 'retry-after': '1' });
    }
    if (failure === 'rejected') {
      return reply(400, {
        code: 21606,
        message: "The 'From' number is not a valid message-capable number.",
        status: 400,
      });
    }

    const first = byKey.get(record.idempotencyKey);
    if (first !== undefined) {
      record.replayed = true;
      return reply(201, first);
    }
    const magic = MAGIC_ERRORS[To];
    if (magic)
      return reply(400, {
        ...magic,
        status: 400,
        more_info: `https://www.twilio.com/docs/errors/${magic.code}`,
      });

    const created = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      account_sid: accountSid,
      to: To,
      from: From ?? null,
      messaging_service_sid: MessagingServiceSid ?? null,
      body: Body,
      status: 'queued',
    };
    byKey.set(record.idempotencyKey, created);
    counted.push(record.idempotencyKey);
    return reply(201, created);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    requests,
    delivered: () => [...counted],
    failNext: (kind) => {
      failures.push(kind);
    },
    statusCallback(sid, status, callbackOptions = {}) {
      const url = callbackOptions.url ?? 'https://cx.example.com/webhooks/twilio?workspace=acme';
      const params: Record<string, string> = {
        AccountSid: accountSid,
        ApiVersion: '2010-04-01',
        From: '+15005550006',
        MessageSid: sid,
        MessageStatus: status,
        SmsSid: sid,
        SmsStatus: status,
        To: '+84912345678',
        ...(callbackOptions.errorCode ? { ErrorCode: callbackOptions.errorCode } : {}),
      };
      return {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': sign(callbackOptions.authToken ?? authToken, url, params),
        },
        body: new URLSearchParams(params).toString(),
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
