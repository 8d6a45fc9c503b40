/*
 * The 32 KB limit applies to the JSON of every event on the ingest hot path. Serialising each
 * event only to measure it costs as much as validating it, so we first compute a cheap upper
 * bound and serialise only the rare events whose bound comes near the limit.
 */

/** JSON spends at most 6 bytes on one UTF-16 code unit (a `\u001f` escape); UTF-8 at most 3. */
const MAX_BYTES_PER_CODE_UNIT = 6;
const MAX_DEPTH = 64;

function bound(value: unknown, depth: number): number {
  switch (typeof value) {
    case 'string':
      return value.length * MAX_BYTES_PER_CODE_UNIT + 2;
    case 'number':
      return 24;
    case 'boolean':
      return 5;
    case 'undefined':
      return 0;
    case 'object': {
      if (value === null) return 4;
      if (depth > MAX_DEPTH) return Number.POSITIVE_INFINITY;
      if (Array.isArray(value)) {
        let total = 2;
        for (const item of value) total += bound(item, depth + 1) + 1;
        return total;
      }
      if (value instanceof Date) return 26;
      // Objects that serialise themselves may produce anything: measure them exactly.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return Number.POSITIVE_INFINITY;
      let total = 2;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        total +=
          key.length * MAX_BYTES_PER_CODE_UNIT +
          4 +
          bound((value as Record<string, unknown>)[key], depth + 1);
      }
      return total;
    }
    default:
      // bigint, symbol, function: let JSON.stringify decide (it throws or drops them).
      return Number.POSITIVE_INFINITY;
  }
}

/** An upper bound on the UTF-8 byte length of `JSON.stringify(value)`; infinite when unsure. */
export function jsonByteLengthUpperBound(value: unknown): number {
  return bound(value, 0);
}

/**
 * Whether the JSON of `value` is at most `limit` bytes, and its exact size when it had to be
 * measured. Throws what `JSON.stringify` throws (cycles, BigInt).
 */
export function measureJson(value: unknown, limit: number): { withinLimit: boolean; bytes?: number } {
  if (jsonByteLengthUpperBound(value) <= limit) return { withinLimit: true };
  const bytes = Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
  return { withinLimit: bytes <= limit, bytes };
}
