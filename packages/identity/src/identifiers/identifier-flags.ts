import { COLLECTIONS, hashIdentifier, type IdentifierFlags } from '../collections';
import type { IdentityRuntime } from '../runtime';

/**
 * Sets or clears one flag on identifiers (read, change, write back; deletes documents left
 * empty). Flags change rarely (deletion, suppression, quarantine), so a read before the write is
 * cheap, and it keeps the hot path at one key per identifier.
 */
export async function updateFlags<K extends keyof IdentifierFlags>(
  runtime: IdentityRuntime,
  workspaceId: string,
  identifierKeys: readonly string[],
  flag: K,
  value: IdentifierFlags[K] | undefined,
): Promise<void> {
  if (identifierKeys.length === 0) return;
  const { documents } = runtime.storage;
  const keys = identifierKeys.map(hashIdentifier);
  const current = new Map(
    (await documents.getMany<IdentifierFlags>(workspaceId, COLLECTIONS.flags, keys)).map((d) => [
      d.key,
      d.value,
    ]),
  );
  await Promise.all(
    keys.map((key) => {
      const next: IdentifierFlags = { ...current.get(key) };
      if (value === undefined) delete next[flag];
      else next[flag] = value;
      if (Object.keys(next).length === 0) {
        return current.has(key) ? documents.delete(workspaceId, COLLECTIONS.flags, key) : undefined;
      }
      return documents.put(workspaceId, { collection: COLLECTIONS.flags, key, value: next });
    }),
  );
}
