import { EVENT_TYPES, type EventType, eventByteLength, LimitError, ValidationError } from '@cx/core';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses a JSON request body, as a `ValidationError` when it is not JSON. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      'Body is not valid JSON',
      [{ path: '', message: String(error), code: 'invalid_json' }],
      {
        cause: error,
      },
    );
  }
}

/** True when `name` is one of the six Segment call types. */
export function isEventType(name: string): name is EventType {
  return (EVENT_TYPES as readonly string[]).includes(name);
}

/** The `writeKey` field of a body, when it has one. */
export function bodyWriteKey(body: unknown): string | undefined {
  return isObject(body) && typeof body.writeKey === 'string' && body.writeKey !== ''
    ? body.writeKey
    : undefined;
}

/**
 * The single call posted to `/v1/<type>`: the type comes from the path, as in Segment's API.
 *
 * @throws `ValidationError` when the body is not a JSON object.
 */
export function singleCall(body: unknown, type: EventType): unknown[] {
  if (!isObject(body)) {
    throw new ValidationError('Body must be a JSON object', [
      { path: '', message: 'Expected an object', code: 'invalid_type' },
    ]);
  }
  const { writeKey: _writeKey, ...event } = body;
  return [{ ...event, type }];
}

/**
 * The calls of a `/v1/batch` body, each with the batch's top-level `context` and `integrations`
 * merged in (the item's own keys win) and the batch's `sentAt` where the item has none. Every
 * item is checked against the per-event limit first, so an oversize item refuses the whole
 * request before anything is stored.
 *
 * @throws `ValidationError` when `batch` is missing or empty; `LimitError` for an oversize item.
 */
export function batchCalls(body: unknown, maxEventBytes: number): unknown[] {
  if (!isObject(body) || !Array.isArray(body.batch)) {
    throw new ValidationError('Batch body must be an object with a "batch" array', [
      { path: 'batch', message: 'Expected an array', code: 'invalid_type' },
    ]);
  }
  if (body.batch.length === 0) {
    throw new ValidationError('Batch is empty', [
      { path: 'batch', message: 'Expected at least one call', code: 'too_small' },
    ]);
  }
  const context = isObject(body.context) ? body.context : undefined;
  const integrations = isObject(body.integrations) ? body.integrations : undefined;
  const sentAt = typeof body.sentAt === 'string' ? body.sentAt : undefined;
  return body.batch.map((item: unknown, index: number) => {
    const size = eventByteLength(item);
    if (size > maxEventBytes) {
      throw new LimitError(
        `batch[${index}] is ${size} bytes; the limit per event is ${maxEventBytes} bytes`,
        maxEventBytes,
        size,
      );
    }
    if (!isObject(item)) return item;
    return {
      ...item,
      ...(context === undefined
        ? {}
        : { context: { ...context, ...(isObject(item.context) ? item.context : {}) } }),
      ...(integrations === undefined
        ? {}
        : { integrations: { ...integrations, ...(isObject(item.integrations) ? item.integrations : {}) } }),
      ...(sentAt !== undefined && item.sentAt === undefined ? { sentAt } : {}),
    };
  });
}
