import { COLLECTIONS, FLAGS_MARKER, hashIdentifier, type IdentifierFlags } from '../collections';
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
  // The marker goes first: an ingest that starts after this call reads the flags.
  if (value !== undefined) await markFlagged(runtime, workspaceId);
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

/** Workspaces known (to this process) to carry the flags marker. */
const marked = new WeakMap<IdentityRuntime, Set<string>>();

/** Writes the workspace's flags marker (see `COLLECTIONS.meta`), once per process. */
async function markFlagged(runtime: IdentityRuntime, workspaceId: string): Promise<void> {
  let known = marked.get(runtime);
  if (!known) {
    known = new Set();
    marked.set(runtime, known);
  }
  if (known.has(workspaceId)) return;
  await runtime.storage.documents.put(workspaceId, {
    collection: COLLECTIONS.meta,
    key: FLAGS_MARKER,
    value: { since: new Date(runtime.clock.now()).toISOString() },
  });
  known.add(workspaceId);
}

/**
 * True when some identifier of the workspace may carry a flag. Reads the marker; a workspace
 * whose flags predate the marker is detected once per process (one `list` of a single key)
 * and marked.
 */
export async function mayHaveFlags(runtime: IdentityRuntime, workspaceId: string): Promise<boolean> {
  const { documents } = runtime.storage;
  if (marked.get(runtime)?.has(workspaceId)) return true;
  if (await documents.get(workspaceId, COLLECTIONS.meta, FLAGS_MARKER)) return true;
  let checked = legacyChecked.get(runtime);
  if (!checked) {
    checked = new Set();
    legacyChecked.set(runtime, checked);
  }
  if (checked.has(workspaceId)) return false;
  const existing = await documents.list(workspaceId, COLLECTIONS.flags, { limit: 1 });
  checked.add(workspaceId);
  if (existing.items.length === 0) return false;
  await markFlagged(runtime, workspaceId);
  return true;
}

/** Workspaces this process has checked for flags written before the marker existed. */
const legacyChecked = new WeakMap<IdentityRuntime, Set<string>>();
