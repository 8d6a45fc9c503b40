import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, systemClock } from '@cx/core';
import type { GoogleServiceAccount } from '../../../src/adapters/mobile-push';
import { verifyJwt } from './jwt';

/** One message the local FCM accepted. */
export interface FcmReceived {
  /** The request body's `message`. */
  message: {
    token: string;
    notification?: { title?: string; body?: string; image?: string };
    data?: Record<string, string>;
    android?: { priority?: string; ttl?: string; collapse_key?: string };
    apns?: { headers?: Record<string, string> };
  };
  accessToken: string;
  name: string;
}

/** A Google OAuth token endpoint and an FCM HTTP v1 endpoint on one loopback server. */
export interface LocalFcm {
  origin: string;
  serviceAccount: GoogleServiceAccount;
  received: FcmReceived[];
  /** The claims of every assertion the token endpoint accepted. */
  assertions: Record<string, unknown>[];
  /** Every request refused for breaking the protocol, with why. */
  problems: string[];
  /** Requests to the messages endpoint, accepted or not. */
  sendRequests(): number;
  /** Device tokens that answer 404 UNREGISTERED. */
  unregister(token: string): void;
  /** Makes every access token issued so far answer 401. */
  revokeAccessTokens(): void;
  /** The next messages request gets this status and FCM error instead. */
  failNext(status: number, body: unknown, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

const SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The error body FCM HTTP v1 sends, with its FcmError detail. */
export function fcmErrorBody(
  code: number,
  status: string,
  message: string,
  errorCode = status,
  field?: string,
) {
  const details: unknown[] = [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }];
  if (field)
    details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field }] });
  return { error: { code, message, status, details } };
}

/**
 * Starts a local FCM: `POST /token` verifies the RS256 assertion with the service account's public
 * key (iss, scope, aud, an hour's lifetime) and issues an access token; `POST
 * /v1/projects/<id>/messages:send` checks the bearer token and the message JSON (string-only data,
 * a `<n>s` ttl).
 */
export async function startLocalFcm(options: { clock?: Clock; projectId?: string } = {}): Promise<LocalFcm> {
  const clock = options.clock ?? systemClock;
  const projectId = options.projectId ?? 'cx-test';
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const received: FcmReceived[] = [];
  const assertions: Record<string, unknown>[] = [];
  const problems: string[] = [];
  const live = new Set<string>();
  const unregistered = new Set<string>();
  const failures: { status: number; body: unknown; headers: Record<string, string> }[] = [];
  let issued = 0;
  let sendRequests = 0;
  let origin = '';

  const json = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) =>
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const refuse = (response: ServerResponse, status: number, why: string) => {
    problems.push(why);
    json(
      response,
      status,
      fcmErrorBody(status, status === 401 ? 'UNAUTHENTICATED' : 'INVALID_ARGUMENT', why),
    );
  };

  function token(request: IncomingMessage, body: string, response: ServerResponse) {
    const form = new URLSearchParams(body);
    if (request.headers['content-type'] !== 'application/x-www-form-urlencoded') {
      return refuse(response, 400, `token: content-type ${request.headers['content-type']}`);
    }
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return refuse(response, 400, `token: grant_type ${form.get('grant_type')}`);
    }
    let claims: Record<string, unknown>;
    try {
      claims = verifyJwt(form.get('assertion') ?? '', publicKey as KeyObject, 'RS256').claims;
    } catch (error) {
      return json(response, 400, { error: 'invalid_grant', error_description: (error as Error).message });
    }
    const now = Math.floor(clock.now() / 1000);
    const { iss, scope, aud, iat, exp } = claims as {
      iss: string;
      scope: string;
      aud: string;
      iat: number;
      exp: number;
    };
    const wrong =
      iss !== `fcm@${projectId}.iam.gserviceaccount.com`
        ? `iss ${iss}`
        : scope !== SCOPE
          ? `scope ${scope}`
          : aud !== `${origin}/token`
            ? `aud ${aud}`
            : iat > now + 60 || exp <= now || exp - iat > 3600
              ? `iat ${iat} exp ${exp} at ${now}`
              : undefined;
    if (wrong) return refuse(response, 400, `token: ${wrong}`);
    assertions.push(claims);
    const accessToken = `ya29.local-${++issued}`;
    live.add(accessToken);
    json(response, 200, { access_token: accessToken, expires_in: 3599, token_type: 'Bearer' });
  }

  function send(request: IncomingMessage, body: string, response: ServerResponse) {
    sendRequests++;
    const accessToken = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
    if (!live.has(accessToken)) {
      return json(
        response,
        401,
        fcmErrorBody(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
      );
    }
    const failure = failures.shift();
    if (failure) return json(response, failure.status, failure.body, failure.headers);
    const { message } = JSON.parse(body) as { message: FcmReceived['message'] };
    if (typeof message?.token !== 'string') return refuse(response, 400, 'message.token missing');
    for (const [key, value] of Object.entries(message.data ?? {})) {
      if (typeof value !== 'string') return refuse(response, 400, `data.${key} is not a string`);
    }
    const ttl = message.android?.ttl;
    if (ttl !== undefined && !/^\d+(\.\d{1,9})?s$/.test(ttl))
      return refuse(response, 400, `android.ttl ${ttl}`);
    const priority = message.android?.priority;
    if (priority !== undefined && !['high', 'normal'].includes(priority)) {
      return refuse(response, 400, `android.priority ${priority}`);
    }
    if (unregistered.has(message.token)) {
      return json(
        response,
        404,
        fcmErrorBody(404, 'NOT_FOUND', 'Requested entity was not found.', 'UNREGISTERED'),
      );
    }
    if (message.token.startsWith('not-a-token')) {
      return json(
        response,
        400,
        fcmErrorBody(
          400,
          'INVALID_ARGUMENT',
          'The registration token is not a valid FCM registration token',
          'INVALID_ARGUMENT',
          'message.token',
        ),
      );
    }
    const name = `projects/${projectId}/messages/0:${received.length + 1}%local`;
    received.push({ message, accessToken, name });
    json(response, 200, { name });
  }

  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method === 'POST' && request.url === '/token') return token(request, body, response);
    if (request.method === 'POST' && request.url === `/v1/projects/${projectId}/messages:send`) {
      return send(request, body, response);
    }
    refuse(response, 404, `no route ${request.method} ${request.url}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    serviceAccount: {
      project_id: projectId,
      client_email: `fcm@${projectId}.iam.gserviceaccount.com`,
      private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
      private_key_id: 'local-key-1',
      token_uri: `${origin}/token`,
    },
    received,
    assertions,
    problems,
    sendRequests: () => sendRequests,
    unregister: (device) => unregistered.add(device),
    revokeAccessTokens: () => live.clear(),
    failNext: (status, body, headers = {}) => failures.push({ status, body, headers }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
