import { hashV1 } from './hash';

/**
 * A namespace: `[id, start, end)`. Experiments in the same namespace with disjoint ranges never
 * share a user, so they can run side by side without interacting.
 */
export type Namespace = readonly [id: string, start: number, end: number];

/**
 * True when the user with this hash value falls in the namespace's range, exactly as
 * GrowthBook's `inNamespace`: a version-1 hash of the value with seed `__<namespace id>`.
 *
 * @example
 * ```ts
 * inNamespace('user-1', ['checkout', 0, 0.5]);
 * ```
 */
export function inNamespace(hashValue: string, namespace: Namespace): boolean {
  const n = hashV1(hashValue, `__${namespace[0]}`);
  return n >= namespace[1] && n < namespace[2];
}
