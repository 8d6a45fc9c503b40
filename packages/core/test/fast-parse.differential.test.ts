import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastParseSegmentEvent } from '../src/events/fast-parse';
import { EVENT_TYPES, segmentEventSchema } from '../src/events/segment-spec';

/*
 * The fast parser must never accept what zod refuses, and must build zod's object (keys,
 * values, which objects are fresh) whenever it accepts.
 */

/** Any JSON-ish value, including the wrong types and `undefined`. */
const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.string(),
  fc.constant(''),
  fc.constant('\uD800'),
  fc.date({ noInvalidDate: false }),
  fc.array(fc.jsonValue(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue(), { maxKeys: 2 }),
);
/** Mostly `valid`, sometimes anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 40, arbitrary: valid }, { weight: 1, arbitrary: anything });
const id = mostly(
  fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant('user-1'), fc.constant('😀')),
);
const text = mostly(fc.string({ maxLength: 6 }));
const num = mostly(fc.oneof(fc.integer(), fc.double()));
const bool = mostly(fc.boolean());
const timestamp = mostly(
  fc.oneof(
    fc.constant('2026-01-31T12:00:00.000Z'),
    fc.constant('2026-02-30T12:00:00Z'),
    fc.constant('2026-01-31'),
    fc.constant('2026-01-31T12:00:00+07:00'),
    fc.date({ min: new Date(0), max: new Date(4e12) }),
  ),
);
const bag = mostly(
  fc.dictionary(
    fc.oneof(
      { weight: 20, arbitrary: fc.string({ maxLength: 4 }) },
      { weight: 1, arbitrary: fc.constant('__proto__') },
    ),
    fc.jsonValue(),
    {
      maxKeys: 3,
    },
  ),
);
const extra = fc.dictionary(fc.constantFrom('custom', 'zz', 'aa'), fc.jsonValue(), { maxKeys: 2 });
/** A loose object with some of `fields` (in random order) and some unknown keys. */
const looseOf = (fields: Record<string, fc.Arbitrary<unknown>>) =>
  mostly(
    fc
      .tuple(fc.record(fields, { requiredKeys: [] }), extra, fc.boolean())
      .map(([known, unknown, unknownFirst]) =>
        unknownFirst ? { ...unknown, ...known } : { ...known, ...unknown },
      ),
  );
const context = looseOf({
  active: bool,
  app: looseOf({ name: text, version: text, build: text, namespace: text }),
  campaign: looseOf({ name: text, source: text, medium: text }),
  consent: looseOf({
    categoryPreferences: mostly(fc.dictionary(fc.string({ maxLength: 3 }), bool, { maxKeys: 3 })),
  }),
  device: looseOf({ id: text, adTrackingEnabled: bool, type: text }),
  externalIds: mostly(
    fc.array(looseOf({ id: text, type: text, collection: text, encoding: text }), { maxLength: 2 }),
  ),
  ip: text,
  library: looseOf({ name: text, version: text }),
  location: looseOf({ city: text, latitude: num, speed: num }),
  network: looseOf({ wifi: bool, carrier: text }),
  page: looseOf({ path: text, url: text, referrer: text }),
  screen: looseOf({ width: num, height: num }),
  traits: bag,
  userAgent: text,
});
const integrations = mostly(
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.boolean(), bag, anything), { maxKeys: 3 }),
);
const event = fc
  .tuple(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...EVENT_TYPES) }, { weight: 1, arbitrary: anything }),
    fc.record(
      {
        messageId: id,
        anonymousId: id,
        userId: id,
        timestamp,
        sentAt: timestamp,
        originalTimestamp: timestamp,
        context,
        integrations,
        version: mostly(fc.oneof(fc.integer(), fc.string({ maxLength: 3 }))),
        channel: text,
        event: mostly(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constant('x'.repeat(513)))),
        name: text,
        category: text,
        properties: bag,
        traits: bag,
        groupId: id,
        previousId: id,
        unknownTopLevel: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([type, fields]) => ({ type, ...fields }));

/** Returns whether the fast parser took the input. */
function agrees(input: unknown): boolean {
  const fast = fastParseSegmentEvent(input);
  if (fast === undefined) return false;
  const reference = segmentEventSchema.safeParse(input);
  expect(reference.success, 'the fast parser accepted what zod refuses').toBe(true);
  if (!reference.success) return true;
  // Same keys (including keys sent as undefined), same values, same prototypes; key order may
  // differ (the fast parser keeps the input's), which JSON objects do not carry.
  expect(isDeepStrictEqual(fast, reference.data)).toBe(true);
  return true;
}

describe('fastParseSegmentEvent', () => {
  it('agrees with segmentEventSchema on random events, valid and not', () => {
    let taken = 0;
    let valid = 0;
    fc.assert(
      fc.property(event, (input) => {
        if (agrees(input)) taken++;
        if (segmentEventSchema.safeParse(input).success) valid++;
      }),
      { numRuns: 5_000 },
    );
    // The generator must reach the accepting paths, or the comparison above proves nothing.
    expect(taken).toBeGreaterThan(250);
    expect(taken / valid).toBeGreaterThan(0.5);
    // Generous: several thousand zod parses on a loaded CI machine.
  }, 120_000);

  it('takes the common, well-formed calls itself, building fresh objects as zod does', () => {
    const track = {
      type: 'track',
      event: 'Order Completed',
      userId: 'u1',
      messageId: 'm1',
      properties: { revenue: 12.5, items: [{ sku: 'A' }] },
      context: {
        ip: '203.0.113.7',
        page: { url: 'https://shop.example.vn/', custom: 1 },
        externalIds: [{ id: 'z1', type: 'zalo_id', collection: 'users', encoding: 'none' }],
        consent: { categoryPreferences: { marketing: true } },
        custom: { kept: true },
      },
      integrations: { All: true, Braze: { appId: 'x' } },
      dropped: 'not in the spec',
    };
    const parsed = fastParseSegmentEvent(track) as unknown as typeof track;
    expect(parsed).toBeDefined();
    agrees(track);
    expect(parsed).not.toHaveProperty('dropped');
    expect(parsed.properties).not.toBe(track.properties);
    expect(parsed.properties.items).toBe(track.properties.items);
    expect(parsed.context.page).not.toBe(track.context.page);
    for (const type of ['identify', 'page', 'screen', 'group', 'alias'] as const) {
      const call = {
        type,
        anonymousId: 'a1',
        userId: 'u1',
        groupId: 'g1',
        previousId: 'p1',
        traits: {},
        name: 'Home',
      };
      expect(fastParseSegmentEvent(call), type).toBeDefined();
      agrees(call);
    }
  });

  it('leaves what it cannot vouch for to zod', () => {
    const cases: unknown[] = [
      null,
      [],
      { type: 'track', event: 'x' },
      { type: 'constructor', userId: 'u' },
      { type: 'track', userId: 'u' },
      { type: 'track', event: 'x', userId: '' },
      { type: 'track', event: 'x', userId: 'u', properties: new Map() },
      { type: 'track', event: 'x', userId: 'u', properties: JSON.parse('{"__proto__": {"a": 1}}') },
      { type: 'track', event: 'x', userId: 'u', properties: { [Symbol('s')]: 1 } },
      { type: 'track', event: 'x', userId: 'u', context: { externalIds: [{ id: '', type: 't' }] } },
      { type: 'track', event: 'x', userId: 'u', version: Number.NaN },
      { type: 'alias', userId: 'u' },
    ];
    for (const input of cases) expect(fastParseSegmentEvent(input)).toBeUndefined();
  });
});
