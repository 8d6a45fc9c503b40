import type { Identifier } from '@cx/core';
import type { IdentityConfig } from '../config/identity-config';

/** A per-type limit an operation would break. */
export interface LimitViolation {
  type: string;
  max: number;
  windowMs?: number;
  /** How many the profile would hold (within the window). */
  count: number;
}

/**
 * Checks the per-type identifier limits for a profile that keeps `existing` and gains `incoming`
 * (identifiers of merged profiles and new ones). With a time window, only identifiers gained
 * within it count; incoming ones count as gained now, existing ones by `addedAt` (unknown = old).
 */
export function findLimitViolation(
  config: IdentityConfig,
  existing: readonly Identifier[],
  incoming: readonly Identifier[],
  addedAt: Readonly<Record<string, string>>,
  nowMs: number,
): LimitViolation | null {
  for (const [type, limit] of Object.entries(config.limits)) {
    const gained = incoming.filter((identifier) => identifier.type === type).length;
    if (gained === 0) continue;
    const since = limit.windowMs === undefined ? null : new Date(nowMs - limit.windowMs).toISOString();
    const kept = existing.filter((identifier) => {
      if (identifier.type !== type) return false;
      if (since === null) return true;
      const at = addedAt[`${identifier.type}:${identifier.value}`];
      return at !== undefined && at >= since;
    }).length;
    if (kept + gained > limit.max) {
      return {
        type,
        max: limit.max,
        ...(limit.windowMs === undefined ? {} : { windowMs: limit.windowMs }),
        count: kept + gained,
      };
    }
  }
  return null;
}

/** True when some limit has a time window, so identifiers' join times must be kept. */
export const tracksJoinTimes = (config: IdentityConfig) =>
  Object.values(config.limits).some((limit) => limit.windowMs !== undefined);
