import { isIsoTimestamp, type SegmentEvent } from './segment-spec';

/*
 * Every ingested event is parsed. zod spends about 4 µs on a typical browser `track` call, most
 * of it in the loose `context` objects its compiled path does not cover. This parser accepts
 * the common well-formed event in a fraction of that and builds the very object zod would build
 * (same keys and values, fresh objects where zod makes them, the caller's values elsewhere).
 * Whenever it is not sure, it answers `undefined` and the caller parses with zod, which either
 * accepts the event as well or names every problem. zod's schemas stay the definition; a
 * differential test holds this parser to them.
 */

/** What a field must hold. */
type Kind =
  | 'string'
  | 'nonEmptyString'
  | 'boolean'
  | 'number'
  | 'id'
  | 'eventName'
  | 'timestamp'
  | 'version'
  | 'bag'
  | 'booleanRecord'
  | 'integrations'
  | 'externalIds'
  | 'context'
  | LooseObject;

/** A loose object: its known fields are checked, other keys are kept as sent. */
interface LooseObject {
  fields: ReadonlyMap<string, Kind>;
  required: readonly string[];
}

const loose = (fields: Record<string, Kind>, required: readonly string[] = []): LooseObject => ({
  fields: new Map(Object.entries(fields)),
  required,
});

/** Marks a value this parser cannot vouch for. */
const UNSURE = Symbol('unsure');
type Parsed = unknown | typeof UNSURE;

/** The `context` keys of the Segment Spec, in the order of `contextSchema`. */
const CONTEXT = loose({
  active: 'boolean',
  app: loose({ name: 'string', version: 'string', build: 'string', namespace: 'string' }),
  campaign: loose({ name: 'string', source: 'string', medium: 'string', term: 'string', content: 'string' }),
  channel: 'string',
  consent: loose({ categoryPreferences: 'booleanRecord' }),
  device: loose({
    id: 'string',
    advertisingId: 'string',
    adTrackingEnabled: 'boolean',
    manufacturer: 'string',
    model: 'string',
    name: 'string',
    type: 'string',
    token: 'string',
  }),
  externalIds: 'externalIds',
  groupId: 'string',
  ip: 'string',
  library: loose({ name: 'string', version: 'string' }),
  locale: 'string',
  location: loose({
    city: 'string',
    country: 'string',
    latitude: 'number',
    longitude: 'number',
    region: 'string',
    speed: 'number',
  }),
  network: loose({ bluetooth: 'boolean', carrier: 'string', cellular: 'boolean', wifi: 'boolean' }),
  os: loose({ name: 'string', version: 'string' }),
  page: loose({ path: 'string', referrer: 'string', search: 'string', title: 'string', url: 'string' }),
  referrer: loose({ id: 'string', type: 'string' }),
  screen: loose({ width: 'number', height: 'number', density: 'number' }),
  timezone: 'string',
  traits: 'bag',
  userAgent: 'string',
  userAgentData: 'bag',
});

/** One of `context.externalIds`. */
const EXTERNAL_ID = loose(
  { id: 'nonEmptyString', type: 'nonEmptyString', collection: 'string', encoding: 'string' },
  ['id', 'type'],
);

/** The fields every call may carry, in the order of `commonFieldsSchema`. */
const COMMON: Record<string, Kind> = {
  messageId: 'id',
  anonymousId: 'id',
  userId: 'id',
  timestamp: 'timestamp',
  originalTimestamp: 'timestamp',
  sentAt: 'timestamp',
  receivedAt: 'timestamp',
  context: 'context',
  integrations: 'integrations',
  version: 'version',
  channel: 'string',
};

/** A call's fields: the common ones, `type`, then its own (zod's `extend` keeps this order). */
const call = (fields: Record<string, Kind>, required: readonly string[] = []): LooseObject =>
  loose({ ...COMMON, type: 'string', ...fields }, required);

const CALLS: Record<string, LooseObject> = {
  identify: call({ traits: 'bag' }),
  track: call({ event: 'eventName', properties: 'bag' }, ['event']),
  page: call({ name: 'string', category: 'string', properties: 'bag' }),
  screen: call({ name: 'string', category: 'string', properties: 'bag' }),
  group: call({ groupId: 'id', traits: 'bag' }, ['groupId']),
  alias: call({ userId: 'id', previousId: 'id' }, ['userId', 'previousId']),
};

/** A plain object of the kind JSON produces; anything else is left to zod. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A copy of a plain object's own keys (which zod's records and loose objects also copy). */
function copyOwn(value: unknown, check?: (item: unknown) => Parsed): Record<string, unknown> | typeof UNSURE {
  if (!isPlainObject(value)) return UNSURE;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') return UNSURE;
    const item = value[key];
    if (check === undefined) {
      out[key] = item;
      continue;
    }
    const parsed = check(item);
    if (parsed === UNSURE) return UNSURE;
    out[key] = parsed;
  }
  // zod refuses symbol keys in records; they never come from JSON.
  if (Object.getOwnPropertySymbols(value).length > 0) return UNSURE;
  return out;
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length >= 1 && value.length <= 1024 && value.isWellFormed();

const parseIntegration = (value: unknown): Parsed => (typeof value === 'boolean' ? value : copyOwn(value));
const parseBoolean = (value: unknown): Parsed => (typeof value === 'boolean' ? value : UNSURE);

function parseExternalIds(value: unknown): Parsed {
  if (!Array.isArray(value)) return UNSURE;
  const out: unknown[] = new Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const item = parseLoose(value[index], EXTERNAL_ID, true);
    if (item === UNSURE) return UNSURE;
    out[index] = item;
  }
  return out;
}

/**
 * Parses an object of a known shape. It walks the keys the input has, not the fields the schema
 * knows: a missing property costs a slow lookup, and most of `context`'s fields are missing.
 * So keys come out in the input's order, where zod puts known keys first; JSON objects are
 * unordered, and every value is the same. A loose object keeps unknown keys, a strip object
 * (the top level) drops them.
 */
function parseLoose(
  value: unknown,
  shape: LooseObject,
  keepUnknown: boolean,
): Record<string, unknown> | typeof UNSURE {
  if (!isPlainObject(value)) return UNSURE;
  const out: Record<string, unknown> = {};
  const { fields } = shape;
  for (const key of Object.keys(value)) {
    const item = value[key];
    const kind = fields.get(key);
    if (kind === undefined) {
      if (!keepUnknown) continue;
      // Assigning it would set the prototype; zod drops it.
      if (key === '__proto__') return UNSURE;
      out[key] = item;
    } else if (item === undefined) {
      // zod keeps a key sent as undefined, and leaves out a missing one.
      out[key] = undefined;
    } else {
      const parsed = parseValue(item, kind);
      if (parsed === UNSURE) return UNSURE;
      out[key] = parsed;
    }
  }
  for (const key of shape.required) if (out[key] === undefined) return UNSURE;
  return out;
}

function parseValue(value: unknown, kind: Kind): Parsed {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : UNSURE;
    case 'nonEmptyString':
      return typeof value === 'string' && value !== '' ? value : UNSURE;
    case 'boolean':
      return typeof value === 'boolean' ? value : UNSURE;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : UNSURE;
    case 'id':
      return isId(value) ? value : UNSURE;
    case 'eventName':
      return typeof value === 'string' && value.length >= 1 && value.length <= 512 ? value : UNSURE;
    case 'timestamp':
      return isIsoTimestamp(value) ? value : UNSURE;
    case 'version':
      return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
        ? value
        : UNSURE;
    case 'bag':
      return copyOwn(value);
    case 'booleanRecord':
      return copyOwn(value, parseBoolean);
    case 'integrations':
      return copyOwn(value, parseIntegration);
    case 'externalIds':
      return parseExternalIds(value);
    case 'context':
      return parseLoose(value, CONTEXT, true);
    default:
      return parseLoose(value, kind, true);
  }
}

/**
 * Parses a Segment Spec call as `segmentEventSchema` would, for the well-formed common case.
 *
 * @returns the parsed call, equal to zod's output; `undefined` when the input is invalid or
 *   unusual (the caller then parses it with zod, for the result or for the error).
 */
export function fastParseSegmentEvent(input: unknown): SegmentEvent | undefined {
  if (!isPlainObject(input)) return undefined;
  const { type } = input;
  if (typeof type !== 'string' || !Object.hasOwn(CALLS, type)) return undefined;
  // The top level is a strip object: keys outside the call's shape are dropped, as zod does.
  const out = parseLoose(input, CALLS[type]!, false);
  if (out === UNSURE || (out.userId === undefined && out.anonymousId === undefined)) return undefined;
  return out as SegmentEvent;
}
