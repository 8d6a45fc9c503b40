import { AdapterError, UnauthorizedError } from '@cx/core';

/** Options shared by the delivery errors. */
export interface DeliveryErrorOptions {
  /** The adapter that failed (`smtp`, `twilio`). */
  adapter: string;
  /** What went wrong, in words. */
  message: string;
  /** The HTTP status or SMTP reply code, where there was one. */
  status?: number;
  /** The provider's own error code (Zalo `-118`, Twilio `21211`). */
  providerCode?: string | number;
  cause?: unknown;
}

/**
 * A send failed. `retryable` says whether trying again (later, or on another provider) can help.
 * Match on the subclass or on `reason`, never on the message.
 */
export abstract class DeliveryError extends AdapterError {
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  readonly providerCode: string | number | undefined;

  constructor(options: DeliveryErrorOptions) {
    super({ adapter: options.adapter, op: 'send', message: options.message, cause: options.cause });
    this.status = options.status;
    this.providerCode = options.providerCode;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      retryable: this.retryable,
      status: this.status,
      providerCode: this.providerCode,
    };
  }
}

/**
 * The provider could not take the message now: it is down, timed out, or answered 5xx or 429.
 * The dispatcher retries with back-off, then fails over to the channel's next provider.
 */
export class ProviderUnavailableError extends DeliveryError {
  readonly retryable = true;
  /** How long the provider asked us to wait (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(options: DeliveryErrorOptions & { retryAfterMs?: number }) {
    super(options);
    this.retryAfterMs = options.retryAfterMs;
  }
}

/**
 * The provider refused the request (4xx): bad credentials, a malformed message, content it will
 * not carry. Sending the same request again cannot help, so it is not retried.
 */
export class ProviderRejectedError extends DeliveryError {
  readonly retryable = false;
}

/** Why a recipient cannot be reached on a channel. */
export type UnreachableReason =
  /** The person has no account on the channel (no Zalo account for the number). */
  | 'no-account'
  /** The push subscription or device token is gone (404/410, `Unregistered`); it is removed. */
  | 'subscription-expired'
  /** The address is not valid for the channel (a malformed number, a rejected mailbox). */
  | 'invalid-address'
  /** The mailbox bounced hard; the address is suppressed. */
  | 'hard-bounce'
  /** The recipient has no address for the channel at all. */
  | 'no-address';

/**
 * This recipient cannot be reached on this channel; another provider will not help either, but
 * the message's fallback channel (ZNS → SMS, push → email) may.
 */
export class RecipientUnreachableError extends DeliveryError {
  readonly retryable = false;
  readonly reason: UnreachableReason;

  constructor(options: DeliveryErrorOptions & { reason: UnreachableReason }) {
    super(options);
    this.reason = options.reason;
  }

  override toJSON() {
    return { ...super.toJSON(), reason: this.reason };
  }
}

/** A webhook's signature, or its timestamp, did not hold: nothing in it is believed. */
export class WebhookSignatureError extends UnauthorizedError {
  readonly adapter: string;

  constructor(adapter: string, message: string) {
    super(`${adapter} webhook refused: ${message}`);
    this.adapter = adapter;
  }
}

/** True for a {@link DeliveryError} from any installed copy of this package. */
export function isDeliveryError(error: unknown): error is DeliveryError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'ADAPTER' &&
    typeof (error as { retryable?: unknown }).retryable === 'boolean'
  );
}
