import type { CxEvent } from './cx-event';

/*
 * Events that `normalizeEvent` produced are frozen and branded, so the event store can skip
 * validating them a second time: a frozen object cannot have changed since it passed the
 * schema. Any other object is validated in full.
 *
 * The brand is a private field stamped onto the event (a base constructor that returns the
 * object it is given lets a subclass add its private fields to any object). Unlike a WeakSet,
 * whose entries the garbage collector must trace separately, it costs one hidden-class
 * transition, cannot be forged or copied by spreading, and carries the event time in
 * milliseconds so the store does not parse the timestamp again.
 */
class ReturnsItsArgument {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the return override is what stamps the brand
    return target;
  }
}

class ValidatedBrand extends ReturnsItsArgument {
  readonly #timestampMs: number;

  private constructor(event: object, timestampMs: number) {
    super(event);
    this.#timestampMs = timestampMs;
  }

  /** Brands `event`, which must not be frozen yet. */
  static stamp(event: object, timestampMs: number): void {
    new ValidatedBrand(event, timestampMs);
  }

  /** The branded event's time in ms, or `undefined` for any other value. */
  static timestampOf(value: object): number | undefined {
    return #timestampMs in value ? (value as ValidatedBrand).#timestampMs : undefined;
  }
}

/** The `context` members that zod rebuilds while parsing (so they are ours to freeze). */
const CONTEXT_OBJECTS = [
  'app',
  'campaign',
  'consent',
  'device',
  'library',
  'location',
  'network',
  'os',
  'page',
  'referrer',
  'screen',
] as const;

const freeze = (value: unknown) => {
  if (typeof value === 'object' && value !== null) Object.freeze(value);
};

/**
 * Freezes the objects the schema built and checked: the event, its `context` with its standard
 * members, and the `properties`, `traits` and `integrations` maps. Values inside those maps are
 * the caller's own objects and stay untouched; changing them cannot make the event
 * schema-invalid, since the schema accepts any value there.
 */
function freezeEvent(event: CxEvent): void {
  Object.freeze(event);
  const context = event.context as Record<string, unknown> | undefined;
  if (context) {
    Object.freeze(context);
    for (const key of CONTEXT_OBJECTS) freeze(context[key]);
    if (Array.isArray(context.externalIds)) {
      Object.freeze(context.externalIds);
      for (const item of context.externalIds) freeze(item);
    }
  }
  const bags = event as { properties?: unknown; traits?: unknown; integrations?: unknown };
  freeze(bags.properties);
  freeze(bags.traits);
  freeze(bags.integrations);
}

/**
 * Freezes a freshly validated event and marks it as known-good.
 *
 * @param timestampMs - `Date.parse(event.timestamp)`, when the caller already has it.
 */
export function markValidated<E extends CxEvent>(event: E, timestampMs = Date.parse(event.timestamp)): E {
  if (validatedTimestamp(event) === undefined) ValidatedBrand.stamp(event, timestampMs);
  freezeEvent(event);
  return event;
}

/** True if `value` is a frozen event produced by `normalizeEvent` or {@link withProfileId}. */
export function isValidatedEvent(value: unknown): value is CxEvent {
  return validatedTimestamp(value) !== undefined;
}

/**
 * `Date.parse(event.timestamp)` of an event produced by `normalizeEvent` or
 * {@link withProfileId}, known without parsing; `undefined` for any other value.
 */
export function validatedTimestamp(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? ValidatedBrand.timestampOf(value) : undefined;
}

/**
 * A copy of a normalised event attributed to `profileId`, still marked as validated. Use it
 * instead of spreading, which would make the store validate the event again.
 *
 * @example
 * ```ts
 * const stored = withProfileId(normalizeEvent(raw), profile.id);
 * await storage.events.append('acme', [stored]);
 * ```
 */
export function withProfileId(event: CxEvent, profileId: string | null): CxEvent {
  const copy = { ...event, profileId } as CxEvent;
  const timestampMs = validatedTimestamp(event);
  if (
    timestampMs === undefined ||
    (profileId !== null &&
      (typeof profileId !== 'string' || profileId.length === 0 || profileId.length > 1024))
  ) {
    return copy;
  }
  ValidatedBrand.stamp(copy, timestampMs);
  Object.freeze(copy);
  return copy;
}
