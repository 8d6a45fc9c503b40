import type { CxEvent, PreparedAppend } from '@cx/core';

// An unpaired UTF-16 surrogate (the pattern runs without the `u` flag, so on code units).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const isUnstorable = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);

/**
 * The path of the first string (key or value) in `value` that PostgreSQL text and jsonb cannot
 * hold: one containing U+0000 or an unpaired surrogate. `undefined` when there is none.
 */
export function findUnstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isUnstorable(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnstorableText(value[index], `${path}[${index}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path === '' ? key : `${path}.${key}`;
    if (isUnstorable(key)) return itemPath;
    const found = findUnstorableText(item, itemPath);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Moves events PostgreSQL cannot store into `rejected` (as `VALIDATION`), so one such event does
 * not fail the whole batch. `json` holds each event's JSON text: `JSON.stringify` writes both
 * problem characters as `\u` escapes, so events without one (nearly all) are never walked.
 */
export function rejectUnstorable(
  prepared: PreparedAppend,
  json: string[],
  batch: readonly unknown[],
): { prepared: PreparedAppend; json: string[] } {
  const paths = new Map<number, string>();
  for (let index = 0; index < json.length; index++) {
    if (!json[index]!.includes('\\u')) continue;
    const path = findUnstorableText(prepared.events[index]);
    if (path !== undefined) paths.set(index, path);
  }
  if (paths.size === 0) return { prepared, json };
  const kept: PreparedAppend = {
    events: [],
    timestamps: [],
    batchDuplicates: prepared.batchDuplicates,
    rejected: [...prepared.rejected],
  };
  const keptJson: string[] = [];
  prepared.events.forEach((event, index) => {
    const path = paths.get(index);
    if (path === undefined) {
      kept.events.push(event);
      kept.timestamps.push(prepared.timestamps[index]!);
      keptJson.push(json[index]!);
      return;
    }
    kept.rejected.push({
      index: batchIndexOf(event, batch, kept.rejected),
      messageId: event.messageId,
      code: 'VALIDATION',
      message: `Invalid event: ${path || 'event'}: text PostgreSQL cannot store (U+0000 or an unpaired surrogate)`,
      issues: [{ path, message: 'Text PostgreSQL cannot store', code: 'unstorable_text' }],
    });
  });
  kept.rejected.sort((a, b) => a.index - b.index);
  return { prepared: kept, json: keptJson };
}

/** The batch position of a valid event: the first not-rejected input with its `messageId`. */
function batchIndexOf(
  event: CxEvent,
  batch: readonly unknown[],
  rejected: PreparedAppend['rejected'],
): number {
  const rejectedIndexes = new Set(rejected.map((rejection) => rejection.index));
  return batch.findIndex(
    (input, index) =>
      !rejectedIndexes.has(index) && (input as { messageId?: unknown } | null)?.messageId === event.messageId,
  );
}
