import { signWebhookBody, type WebhookSecret } from '@cx/channels/webhook';
import {
  type ClaimedWork,
  type Clock,
  type CommitInput,
  ConfigError,
  createWorker,
  DeadLetter,
  type EventBus,
  type IdleOptions,
  isCxError,
  parseOrThrow,
  type Storage,
  type Worker,
} from '@cx/core';
import { z } from 'zod';
import {
  JOURNEY_COLLECTIONS,
  JourneyWorkingSet,
  type StoredInstance,
  WEBHOOK_QUEUE,
  type WebhookPayload,
} from './journey-store';
import { journeyProfileEvent } from './profile-events';

/** How the runtime calls the webhooks of `webhook` nodes (`JourneysOptions.webhooks`). */
export interface JourneyWebhookOptions {
  /**
   * Signs every request with `X-Cx-Signature` (the scheme of `@cx/channels/webhook`, checked by
   * its `verifyWebhookSignature`). At least 32 characters; several while rotating (each signs).
   * Default: requests are not signed.
   */
  secret?: WebhookSecret;
  /** How long one request may take, in ms, before it counts as failed (and is retried); default 10 s. */
  timeoutMs?: number;
  /** The `fetch` to call with (a proxy agent, a test double); default the global `fetch`. */
  fetch?: typeof fetch;
  /**
   * Attempts before a call is given up on; default 10 (back-off 10 s doubling to an hour: about
   * an hour and a half of retries).
   */
  maxAttempts?: number;
}

/** Options of {@link createWebhookWorker}. */
export interface WebhookWorkerOptions extends JourneyWebhookOptions {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  leaseMs?: number;
  bus?: EventBus;
  idle?: IdleOptions;
  onError: (error: unknown) => void;
}

/** A webhook item's payload as stored: the call, and the attempts made before a `Retry-After`. */
type StoredWebhookPayload = WebhookPayload & { attempts?: number };

/** The default of {@link JourneyWebhookOptions.timeoutMs}. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** The default of {@link JourneyWebhookOptions.maxAttempts}. */
export const DEFAULT_WEBHOOK_ATTEMPTS = 10;

/** How long a `Retry-After` may hold a call back at most. */
const MAX_WAIT_MS = 3_600_000;

/** Delay before attempt `n + 1` after `n` failed: 10 s · 2^(n−1), at most an hour. */
const webhookBackoff = (attempts: number) => Math.min(MAX_WAIT_MS, 10_000 * 2 ** Math.max(0, attempts - 1));

/** How many times recording a given-up call is tried again after a `CONFLICT` on its instance. */
const CONFLICT_RETRIES = 5;

const secretSchema = z.string().min(32, 'a webhook secret has at least 32 characters');

const optionsSchema = z.strictObject({
  secret: z.union([secretSchema, z.array(secretSchema).min(1).max(8)]).optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
  fetch: z
    .custom<typeof fetch>((value) => typeof value === 'function', 'fetch must be a function')
    .optional(),
  maxAttempts: z.number().int().min(1).max(100).optional(),
});

/**
 * Checks {@link JourneyWebhookOptions} (a secret shorter than 32 characters, a timeout that is not
 * a positive whole number of ms, an unknown key).
 *
 * @example
 * ```ts
 * parseWebhookOptions({ timeoutMs: 5000 }); // { timeoutMs: 5000 }
 * ```
 *
 * @throws `ConfigError` naming the bad option.
 */
export function parseWebhookOptions(options: unknown): JourneyWebhookOptions {
  try {
    return parseOrThrow(optionsSchema, options ?? {}, 'journeys webhooks') as JourneyWebhookOptions;
  } catch (error) {
    throw new ConfigError((error as Error).message, { cause: error });
  }
}

/** Statuses worth trying again: the receiver is busy, down or slow, not refusing the call. */
const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** `Retry-After` as ms from `now`: seconds, or an HTTP date; `undefined` when absent or unreadable. */
function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The start of a response body, for a failure's reason; never throws. */
async function excerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The worker of `journey.webhooks`: POSTs each call a `webhook` node scheduled, as JSON
 * `{ journeyId, version, instanceId, profileId, node, body }` (`body` is the node's), with
 * `Idempotency-Key: <item key>` (`<instance id>/<node>`, `#n` on later visits: the same on every
 * retry) and, with a secret, `X-Cx-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`.
 *
 * Webhook nodes are fire-and-forget: the instance went on to `next` when the step that scheduled
 * the call was committed, and does not wait for the answer. Delivery is at least once (a worker
 * that dies after the POST and before completing the item posts again after its lease), so
 * receivers drop an `Idempotency-Key` they have seen to act exactly once.
 *
 * Answers: 2xx completes the item. 408, 429, 5xx, a network error or the timeout are tried again
 * with back-off (10 s doubling, at most an hour; a longer `Retry-After` wins, and back-off starts
 * again after it). Any other status (a 4xx, or a redirect: redirects are not followed) is
 * given up on at once, as is a call whose attempts are used up: the item is dead-lettered and a
 * `Journey Step` event with `failed: true`, `node`, `webhookKey` and `reason` is recorded on the
 * profile (its message id derived from the key, so it is recorded once), and in the instance's
 * `failures`.
 *
 * @example
 * ```ts
 * const webhooks = createWebhookWorker({ storage, workspaceId: 'acme', clock, secret, onError });
 * await webhooks.drain();
 * ```
 *
 * @throws `ConfigError` for bad options.
 */
export function createWebhookWorker(options: WebhookWorkerOptions): Worker {
  const { storage, workspaceId, clock } = options;
  const {
    secret,
    fetch: fetchOption,
    ...limits
  } = parseWebhookOptions({
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  const timeoutMs = limits.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const maxAttempts = limits.maxAttempts ?? DEFAULT_WEBHOOK_ATTEMPTS;
  // Read at call time, so a global `fetch` patched after start (a proxy agent) is used.
  const send: typeof fetch = fetchOption ?? ((input, init) => fetch(input, init));

  /** The failure on the profile and the instance; safe to run again (same ids, same key). */
  const recordGivenUp = async (item: ClaimedWork<StoredWebhookPayload>, reason: string) => {
    const { payload } = item;
    for (let attempt = 0; ; attempt++) {
      const work = new JourneyWorkingSet(storage, workspaceId);
      const now = clock.now();
      const stored = await work.get<StoredInstance>(JOURNEY_COLLECTIONS.instances, payload.instanceId);
      if (stored && !stored.failures.some((failure) => failure.key === item.key)) {
        work.set<StoredInstance>(JOURNEY_COLLECTIONS.instances, payload.instanceId, {
          ...stored,
          failures: [...stored.failures, { node: payload.node, key: item.key, reason, at: now }],
        });
      }
      const profile = await work.profile(payload.profileId);
      work.events.push(
        journeyProfileEvent(
          profile ?? { id: payload.profileId },
          payload.instanceId,
          `webhook:${item.key}`,
          'Journey Step',
          {
            journeyId: payload.journeyId,
            version: payload.version,
            instanceId: payload.instanceId,
            node: payload.node,
            webhookKey: item.key,
            failed: true,
            reason,
          },
          now,
        ),
      );
      try {
        await storage.commit(workspaceId, work.toCommit());
        return;
      } catch (error) {
        // A step of the instance committed meanwhile: read it again.
        if (!isCxError(error, 'CONFLICT') || attempt >= CONFLICT_RETRIES) throw error;
      }
    }
  };

  /** Gives up for good: records why, then dead-letters the item. */
  const giveUp = async (item: ClaimedWork<StoredWebhookPayload>, reason: string): Promise<never> => {
    await recordGivenUp(item, reason);
    throw new DeadLetter(reason);
  };

  /** A failure worth another attempt, unless the attempts are used up. */
  const tryAgain = async (
    item: ClaimedWork<StoredWebhookPayload>,
    reason: string,
    waitMs?: number,
  ): Promise<CommitInput> => {
    const attempts = (item.payload.attempts ?? 0) + item.attempts;
    if (attempts >= maxAttempts) return giveUp(item, `${reason} (gave up after ${attempts} attempts)`);
    const backoff = webhookBackoff(attempts);
    if (waitMs === undefined || waitMs <= backoff) throw new Error(reason);
    // The item completes and comes back at the receiver's time, in this one commit (a commit
    // completes before it schedules); the attempts so far travel in its payload.
    return {
      schedule: [
        {
          queue: WEBHOOK_QUEUE,
          key: item.key,
          dueAt: clock.now() + Math.min(waitMs, MAX_WAIT_MS),
          payload: { ...item.payload, attempts } satisfies StoredWebhookPayload,
          ifExists: 'replace',
        },
      ],
    };
  };

  return createWorker<StoredWebhookPayload>({
    storage,
    workspaceId,
    queue: WEBHOOK_QUEUE,
    clock,
    batchSize: 10,
    maxAttempts,
    backoff: webhookBackoff,
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    ...(options.bus ? { bus: options.bus } : {}),
    ...(options.idle ? { idle: options.idle } : {}),
    onError: (error) => {
      // A lost lease: the item's new holder delivers it.
      if (!isCxError(error, 'CONFLICT')) options.onError(error);
    },
    handler: async (item) => {
      const { url, body, journeyId, version, instanceId, profileId, node } = item.payload;
      let host: string;
      try {
        host = new URL(url).host;
      } catch {
        return giveUp(item, `webhook URL ${url} is not a URL`);
      }
      const raw = JSON.stringify({ journeyId, version, instanceId, profileId, node, body });
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        'Idempotency-Key': item.key,
      };
      if (secret !== undefined)
        headers['X-Cx-Signature'] = signWebhookBody(secret, raw, Math.floor(clock.now() / 1000));
      let response: Response;
      try {
        response = await send(url, {
          method: 'POST',
          headers,
          body: raw,
          // A redirect could carry the signed call to another host; the receiver fixes its URL.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return tryAgain(item, `webhook ${host} could not be reached: ${cause}`);
      }
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => {});
        return;
      }
      const text = await excerpt(response);
      const reason = `webhook ${host} answered ${response.status}${text ? `: ${text}` : ''}`;
      if (retryable(response.status))
        return tryAgain(item, reason, retryAfterMs(response.headers.get('retry-after'), clock.now()));
      return giveUp(item, reason);
    },
  });
}
