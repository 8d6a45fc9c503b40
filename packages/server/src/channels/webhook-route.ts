import type { RecordedDeliveries, WebhookRequest } from '@cx/channels';
import { ValidationError } from '@cx/core';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import { readBody } from '../http/read-body';
import type { ResolvedOptions } from '../options';
import { channelsOf } from './channels-service';

/** Largest provider webhook body, in bytes: batches of delivery reports stay far below it. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * Headers providers sign or adapters read, for hosts whose requests cannot list every header
 * (a {@link CollectorRequest} without `headers()`).
 */
const KNOWN_HEADERS = [
  'content-type',
  'user-agent',
  'x-cx-signature',
  'x-cx-message-id',
  'idempotency-key',
  'x-twilio-signature',
  'x-zevent-signature',
];

function headersOf(request: CollectorRequest): Record<string, string | undefined> {
  if (request.headers !== undefined) {
    const all: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers())) all[name.toLowerCase()] = value;
    return all;
  }
  return Object.fromEntries(KNOWN_HEADERS.map((name) => [name, request.header(name)]));
}

const firstValue = (header: string | undefined) => header?.split(',')[0]?.trim() || undefined;

/**
 * The absolute URL the provider called, which some sign (Twilio): scheme from
 * `X-Forwarded-Proto` and host from `X-Forwarded-Host` or `Host`, as a proxy in front passes them.
 * Trusting them is safe here: they only choose the URL the signature is checked against, and
 * without the secret no URL makes a forged signature hold.
 */
function absoluteUrl(request: CollectorRequest): string {
  const forwarded = firstValue(request.header('x-forwarded-proto'))?.toLowerCase();
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : 'http';
  const host = firstValue(request.header('x-forwarded-host')) ?? request.header('host') ?? 'localhost';
  return `${scheme}://${host}${request.url}`;
}

/**
 * `POST /v1/channels/webhooks/<workspaceId>/<adapterId>`: a provider's delivery report. The raw
 * body (up to 1 MB) goes to the adapter's `parseWebhook` with the method, absolute URL and
 * lower-case headers, so the adapter checks the signature over exactly what was sent; then the
 * events are recorded. Answers `{ recorded, unknown }`; a signature that does not hold is `401`
 * and records nothing; an adapter that takes no webhooks, or a workspace without channels, `404`.
 */
export async function webhookRoute(
  request: CollectorRequest,
  route: { workspaceId: string; adapterId: string },
  options: ResolvedOptions,
): Promise<CollectorResponse> {
  const service = await channelsOf(options, route.workspaceId);
  if (request.parsedBody !== undefined) {
    // A body parser ran first: the bytes the signature covers are gone.
    throw new ValidationError('Webhooks need the raw body: mount the collector before body parsers', [
      { path: '', message: 'The body was already parsed by the host framework', code: 'raw_body_required' },
    ]);
  }
  const body = await readBody(request.body, {
    limit: MAX_WEBHOOK_BYTES,
    what: 'Webhook',
    contentLength: request.header('content-length'),
    contentEncoding: request.header('content-encoding'),
  });
  const webhook: WebhookRequest = {
    method: request.method,
    url: absoluteUrl(request),
    headers: headersOf(request),
    body: body.toString('utf8'),
  };
  const recorded: RecordedDeliveries = await service.handleWebhook(route.adapterId, webhook);
  return jsonResponse(200, recorded);
}
