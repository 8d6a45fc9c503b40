import type { CxEvent } from './cx-event';

/*
 * Events that `normalizeEvent` produced are frozen and remembered here, so the event store
 * can skip validating them a second time: a frozen object cannot have changed since it passed
 * the schema. Any other object is validated in full.
 */
const validated = new WeakSet<object>();

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

/** Freezes a freshly validated event and marks it as known-good. */
export function markValidated<E extends CxEvent>(event: E): E {
  freezeEvent(event);
  validated.add(event);
  return event;
}

/** True if `value` is a frozen event produced by `normalizeEvent` or {@link withProfileId}. */
export function isValidatedEvent(value: unknown): value is CxEvent {
  return typeof value === 'object' && value !== null && validated.has(value);
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
  if (
    !isValidatedEvent(event) ||
    (profileId !== null &&
      (typeof profileId !== 'string' || profileId.length === 0 || profileId.length > 1024))
  ) {
    return copy;
  }
  Object.freeze(copy);
  validated.add(copy);
  return copy;
}
