import { assertWorkspaceId, ConfigError, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import type { CanonicalProfiles } from './person-key';

/** Options of {@link createProfileResolver}. */
export const profileResolverOptionsSchema = z.object({
  /** Profile lookups in flight at once; default 32. */
  concurrency: z.number().int().min(1).max(256).default(32),
});
/** See {@link profileResolverOptionsSchema}. */
export type ProfileResolverOptions = z.input<typeof profileResolverOptionsSchema>;

/** `mergedInto` of a stored profile (`null` while canonical), or `false` when it does not exist. */
type Link = string | null | false;

/**
 * Resolves profile ids to their surviving profile through the `ProfileStore` port, so it works on
 * every storage adapter. {@link load} looks up the ids it has not seen, a whole set at a time and
 * `concurrency` lookups in flight, and caches every profile it reads: each chain (C → B → A) is
 * walked level by level for all ids together, and a profile shared by several chains is read once.
 *
 * Semantics (the same as the SQL funnel's `merged_into` walk): a chain is followed to its end, the
 * profile with no `mergedInto`; a profile that does not exist, or a chain that reaches one (or, in
 * a corrupt store, loops), keeps its own id.
 *
 * The cache is a snapshot: call {@link clear} after merges or unmerges to see them.
 *
 * @example
 * ```ts
 * const profiles = createProfileResolver(storage, 'acme');
 * await profiles.load(events.map((event) => event.profileId));
 * const sessions = buildSessions(events, {}, profiles);
 * ```
 */
export class ProfileResolver implements CanonicalProfiles {
  private readonly links = new Map<string, Link>();
  /** Loaded ids → surviving profile, or `null` when the id keeps its own. */
  private readonly ends = new Map<string, string | null>();
  private readonly concurrency: number;
  private reads = 0;

  constructor(
    private readonly storage: Pick<Storage, 'profiles'>,
    readonly workspaceId: string,
    options: ProfileResolverOptions = {},
  ) {
    assertWorkspaceId(workspaceId);
    this.concurrency = parseOrThrow(
      profileResolverOptionsSchema,
      options,
      'profile resolver options',
    ).concurrency;
  }

  /** How many profiles were read from the store so far (each at most once until {@link clear}). */
  get lookups(): number {
    return this.reads;
  }

  /** True when `profileId` was loaded. */
  has(profileId: string): boolean {
    return this.ends.has(profileId);
  }

  /**
   * The surviving profile of a loaded id. Throws a `ConfigError` for an id that was not loaded,
   * so a forgotten {@link load} cannot silently count merged profiles twice.
   */
  canonicalOf(profileId: string): string {
    const end = this.ends.get(profileId);
    if (end === undefined) {
      throw new ConfigError(`Profile ${profileId} was not loaded; await load() with its id first`);
    }
    return end ?? profileId;
  }

  /** Loads the ids not loaded yet (nullish ones are skipped), following every chain to its end. */
  async load(profileIds: Iterable<string | null | undefined>): Promise<void> {
    let pending = new Set<string>();
    for (const id of profileIds) if (id !== null && id !== undefined && !this.ends.has(id)) pending.add(id);
    while (pending.size > 0) {
      const unknown = new Set<string>();
      for (const id of pending) {
        const missing = this.walk(id);
        if (missing !== null) unknown.add(missing);
      }
      await this.read([...unknown]);
      const next = new Set<string>();
      for (const id of pending) if (!this.ends.has(id)) next.add(id);
      pending = next;
    }
  }

  /** Forgets everything loaded, so the next {@link load} sees merges made since. */
  clear(): void {
    this.links.clear();
    this.ends.clear();
  }

  /**
   * Follows `id`'s chain through the profiles read so far. Returns the first id on it whose profile
   * is still unknown, or `null` once the chain's end is known (recorded for every id on the way).
   */
  private walk(id: string): string | null {
    const path: string[] = [];
    const seen = new Set<string>();
    let current = id;
    let end: string | null;
    for (;;) {
      const known = this.ends.get(current);
      if (known !== undefined) {
        end = known;
        break;
      }
      const link = this.links.get(current);
      if (link === undefined) return current;
      path.push(current);
      seen.add(current);
      if (link === false) {
        end = null;
        break;
      }
      if (link === null) {
        end = current;
        break;
      }
      if (seen.has(link)) {
        end = null;
        break;
      }
      current = link;
    }
    for (const member of path) this.ends.set(member, end);
    return null;
  }

  /** Reads profiles, `concurrency` at a time. */
  private async read(ids: readonly string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const id = ids[next++]!;
        const record = await this.storage.profiles.get(this.workspaceId, id);
        this.reads++;
        this.links.set(id, record === null ? false : record.mergedInto);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, ids.length) }, worker));
  }
}

/**
 * A {@link ProfileResolver} over a storage's profile store, for one workspace. Throws a
 * `ValidationError` for a bad workspace id or options.
 */
export function createProfileResolver(
  storage: Pick<Storage, 'profiles'>,
  workspaceId: string,
  options: ProfileResolverOptions = {},
): ProfileResolver {
  return new ProfileResolver(storage, workspaceId, options);
}
