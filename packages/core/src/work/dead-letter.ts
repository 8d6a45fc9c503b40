const DEAD_LETTER_BRAND = Symbol.for('@cx/core/DeadLetter');

/**
 * Thrown by a work handler that knows retrying cannot help (a message every provider refused):
 * the worker dead-letters the item at once, with this message as its reason, instead of retrying
 * it until `maxAttempts`. Anything the handler must record first, it commits itself before
 * throwing.
 *
 * @example
 * ```ts
 * const worker = createWorker({ storage, workspaceId: 'acme', queue: 'exports', handler: async (item) => {
 *   if (!isSupported(item.payload)) throw new DeadLetter('format not supported');
 * } });
 * ```
 */
export class DeadLetter extends Error {
  readonly [DEAD_LETTER_BRAND] = true;

  constructor(reason: string) {
    super(reason);
    this.name = 'DeadLetter';
  }
}

/** True for a {@link DeadLetter} from any installed copy of `@cx/core`. */
export function isDeadLetter(error: unknown): error is DeadLetter {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[DEAD_LETTER_BRAND] === true
  );
}
