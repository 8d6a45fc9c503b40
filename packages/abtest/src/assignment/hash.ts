/*
 * GrowthBook's hashing, bit for bit. FNV-1a 32-bit runs over UTF-16 code units (what
 * `String.prototype.charCodeAt` returns), not UTF-8 bytes, so an emoji id hashes as its two
 * surrogate halves: that is what every GrowthBook SDK does, and what keeps cx in agreement
 * with a GrowthBook front end.
 */

/** The FNV-1a 32-bit offset basis. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;
/** The FNV 32-bit prime, 2^24 + 2^8 + 0x93. */
const FNV_PRIME = 0x01000193;

/**
 * Continues an FNV-1a 32-bit hash over more text. `Math.imul` by the FNV prime is the same
 * product modulo 2^32 as GrowthBook's shift-and-add form, without allocating.
 */
export function fnv1a32Continue(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  }
  return h;
}

/**
 * FNV-1a 32-bit over the UTF-16 code units of `text`, as an unsigned integer.
 *
 * @example
 * ```ts
 * fnv1a32(''); // 2166136261
 * ```
 */
export function fnv1a32(text: string): number {
  return fnv1a32Continue(FNV_OFFSET_BASIS, text) >>> 0;
}

/** A GrowthBook hash version: 1 (the original, slightly biased) or 2 (unbiased). */
export type HashVersion = 1 | 2;

/**
 * GrowthBook's hash: maps a seed and a value to a number in [0, 1). Version 2 is
 * `fnv(fnv(seed + value) + "") % 10000 / 10000`; version 1 is `fnv(value + seed) % 1000 / 1000`.
 * Any other version gives `null` (GrowthBook then leaves the user out of the experiment).
 *
 * @param seed The experiment's seed (its key unless set).
 * @param value The hash attribute's value, such as the user id.
 * @param version 1 or 2.
 * @example
 * ```ts
 * hash('seed', 'a', 2); // 0.0505
 * hash('', 'a', 1); // 0.22
 * ```
 */
export function hash(seed: string, value: string, version: number): number | null {
  if (version === 2) return hashV2(fnv1a32Continue(FNV_OFFSET_BASIS, seed), value);
  if (version === 1) return hashV1(value, seed);
  return null;
}

/** Version 2 from the FNV state after the seed, so a compiled experiment hashes its seed once. */
export function hashV2(seedState: number, value: string): number {
  const inner = fnv1a32Continue(seedState, value) >>> 0;
  return (fnv1a32(String(inner)) % 10000) / 10000;
}

/** Version 1: the value comes first, so nothing can be precomputed, but nothing is concatenated either. */
export function hashV1(value: string, seed: string): number {
  const h = fnv1a32Continue(fnv1a32Continue(FNV_OFFSET_BASIS, value), seed) >>> 0;
  return (h % 1000) / 1000;
}
