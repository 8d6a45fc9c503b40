import type { Page, StoredDocument } from '@cx/core';
import { COLLECTIONS } from '../collections';
import type { IdentityDecision } from '../decisions/decision';
import type { IdentityRuntime } from '../runtime';

/** Every decision stored under the given profiles, oldest first per profile. */
export async function decisionsOf(
  runtime: IdentityRuntime,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<StoredDocument<IdentityDecision>[]> {
  const out: StoredDocument<IdentityDecision>[] = [];
  for (const profileId of profileIds) {
    let cursor: string | null = null;
    do {
      const page: Page<StoredDocument<IdentityDecision>> =
        await runtime.storage.documents.list<IdentityDecision>(workspaceId, COLLECTIONS.decisions, {
          prefix: `${profileId}/`,
          limit: 1000,
          cursor,
        });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return out;
}
