import assert from 'node:assert/strict';
import { type CxErrorCode, isCxError } from '../../errors/cx-error';
import type { CxEvent } from '../../events/cx-event';
import type { Storage } from '../../ports/storage';

/** Asserts that `action` rejects with a cx error of `code`. */
export async function rejectsWithCode(action: () => Promise<unknown>, code: CxErrorCode, what: string) {
  let thrown: unknown;
  try {
    await action();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown !== undefined, `${what}: expected a ${code} error, but the call succeeded`);
  assert.ok(
    isCxError(thrown, code),
    `${what}: expected a ${code} error, got ${thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown)}`,
  );
}

/** Every event of a workspace, by scanning page after page. */
export async function scanAll(storage: Storage, workspaceId: string, limit = 1000): Promise<CxEvent[]> {
  const out: CxEvent[] = [];
  let cursor: string | null = null;
  do {
    const page = await storage.events.scan(workspaceId, { cursor, limit });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

/** The message ids of a list of events. */
export const idsOf = (events: readonly { messageId: string }[]) => events.map((event) => event.messageId);
