import type { PersonKey } from '../events/person-key';
import type { SqlDialect } from './sql-dialect';

/** The name of the CTE that maps merged profiles to their surviving profile (`id`, `root`). */
export const CANONICAL_CTE = 'canonical_profiles';

/**
 * The SQL expression of the person key (see `personKeySchema`); the same text in both dialects.
 * `canonical` reads `root` from {@link canonicalProfilesCtes}, LEFT JOINed on `profile_id`.
 */
export function personKeyExpression(key: PersonKey): string {
  switch (key) {
    case 'canonical':
      return `COALESCE(${CANONICAL_CTE}.root, profile_id, body ->> 'userId', body ->> 'anonymousId')`;
    case 'profile':
      return `COALESCE(profile_id, body ->> 'userId', body ->> 'anonymousId')`;
    case 'user':
      return `COALESCE(body ->> 'userId', body ->> 'anonymousId')`;
    case 'anonymous':
      return `COALESCE(body ->> 'anonymousId', body ->> 'userId')`;
  }
}

/**
 * Two CTEs (the statement must start `WITH RECURSIVE`) that map every merged-away profile of the
 * workspace to the profile at the end of its `merged_into` chain (C → B → A gives C → A and B → A).
 *
 * `merge_chain` starts from the merged profiles only (most are canonical, and those need no row:
 * the `merged_into` index finds the merged ones) and steps one link at a time while the target is
 * itself merged. `UNION` (not `UNION ALL`) drops repeated rows, so even a looping chain, which the
 * profile store never writes, ends. {@link CANONICAL_CTE} keeps the rows whose target exists and is
 * canonical, at most one per profile; a profile whose chain reaches a missing profile is left out
 * and keeps its own id, as in `ProfileResolver`.
 */
export function canonicalProfilesCtes(d: SqlDialect, profilesTable: string, workspaceId: string): string[] {
  const ws = () => d.param(workspaceId);
  return [
    `merge_chain(id, target) AS (
      SELECT id, merged_into FROM ${profilesTable} WHERE workspace_id = ${ws()} AND merged_into IS NOT NULL
      UNION
      SELECT c.id, p.merged_into FROM merge_chain c
        JOIN ${profilesTable} p ON p.workspace_id = ${ws()} AND p.id = c.target
      WHERE p.merged_into IS NOT NULL)`,
    `${CANONICAL_CTE} AS (SELECT c.id, c.target AS root FROM merge_chain c
      JOIN ${profilesTable} p ON p.workspace_id = ${ws()} AND p.id = c.target AND p.merged_into IS NULL)`,
  ];
}
