import { COLLECTIONS, FLAGS_MARKER, hashIdentifier, type IdentifierFlags } from '../collections';
import type { GraphSession } from '../graph/graph-session';
import type { IdentityRuntime } from '../runtime';

/**
 * Stages setting (or, with `value` undefined, clearing) a flag on identifiers into a session's
 * commit, with the workspace's flags marker: the flag, the marker and the change that set them
 * commit together.
 */
export async function stageFlags<K extends keyof IdentifierFlags>(
  session: GraphSession,
  identifierKeys: readonly string[],
  flag: K,
  value: IdentifierFlags[K] | undefined,
): Promise<void> {
  const { runtime, workspaceId } = session;
  const keys = identifierKeys.map(hashIdentifier);
  // A flag staged earlier in the session (a suppression lifted by a deletion, two quarantines)
  // is the starting point; otherwise the stored document, whose version the write expects, so a
  // concurrent change of the same flags refuses the commit instead of being overwritten.
  const unstaged = keys.filter((key) => session.staged(COLLECTIONS.flags, key) === undefined);
  const stored = new Map(
    (await runtime.storage.documents.getMany<IdentifierFlags>(workspaceId, COLLECTIONS.flags, unstaged)).map(
      (d) => [d.key, d],
    ),
  );
  if (value !== undefined) {
    session.putDocument({
      collection: COLLECTIONS.meta,
      key: FLAGS_MARKER,
      value: { since: new Date(runtime.clock.now()).toISOString() },
    });
  }
  for (const key of keys) {
    const staged = session.staged<IdentifierFlags>(COLLECTIONS.flags, key);
    const found = stored.get(key);
    // A cleared flag leaves the document without it (an empty one flags nothing): a commit
    // writes documents, it does not delete them.
    const next: IdentifierFlags = { ...(staged?.value ?? found?.value) };
    if (value === undefined) delete next[flag];
    else next[flag] = value;
    if (staged === undefined && found === undefined && value === undefined) continue;
    const expectedVersion = staged ? staged.expectedVersion : (found?.version ?? 0);
    session.putDocument({
      collection: COLLECTIONS.flags,
      key,
      value: next,
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
  }
}

/** Workspaces known (to this process) to carry the flags marker. */
const marked = new WeakMap<IdentityRuntime, Set<string>>();

function rememberMarked(runtime: IdentityRuntime, workspaceId: string): void {
  let known = marked.get(runtime);
  if (!known) {
    known = new Set();
    marked.set(runtime, known);
  }
  known.add(workspaceId);
}

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
  if (await documents.get(workspaceId, COLLECTIONS.meta, FLAGS_MARKER)) {
    // Flags are never all removed (tombstones stay), so the marker is remembered for good.
    rememberMarked(runtime, workspaceId);
    return true;
  }
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
