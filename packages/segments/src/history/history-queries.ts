import { type Page, parseOrThrow, type Storage, type StoredDocument } from '@cx/core';
import { z } from 'zod';
import { MEMBERSHIP_HISTORY, type MembershipHistory, memberAt, timeInSegment } from './membership-spans';

const instant = z.union([z.string(), z.number(), z.date()]).transform((value, ctx) => {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: 'Expected an ISO date, a Date or epoch milliseconds' });
    return z.NEVER;
  }
  return ms;
});
const segmentIds = z.array(z.string().min(1)).min(1).max(50);

/** Every history document of one segment. */
async function* histories(
  storage: Storage,
  workspaceId: string,
  segmentId: string,
): AsyncGenerator<MembershipHistory> {
  let cursor: string | null = null;
  do {
    const page: Page<StoredDocument<MembershipHistory | null>> = await storage.documents.list(
      workspaceId,
      MEMBERSHIP_HISTORY,
      {
        prefix: `${segmentId}/`,
        limit: 1000,
        cursor,
      },
    );
    for (const doc of page.items) if (doc.value !== null) yield doc.value;
    cursor = page.nextCursor;
  } while (cursor);
}

/** One profile's stays in one segment, or `null` when it was never in it. */
export async function membershipHistory(
  storage: Storage,
  workspaceId: string,
  segmentId: string,
  profileId: string,
): Promise<MembershipHistory | null> {
  const doc = await storage.documents.get<MembershipHistory | null>(
    workspaceId,
    MEMBERSHIP_HISTORY,
    `${segmentId}/${profileId}`,
  );
  return doc?.value ?? null;
}

/** The members of a segment at any past (or the present) instant, from the history. */
export async function membersAt(
  storage: Storage,
  workspaceId: string,
  segmentId: string,
  at: string | number | Date,
): Promise<string[]> {
  const when = parseOrThrow(instant, at, 'instant');
  const out: string[] = [];
  for await (const history of histories(storage, workspaceId, segmentId))
    if (memberAt(history, when)) out.push(history.profileId);
  return out.sort();
}

/** Time each member spent in a segment up to `until` (ms), and the average over those who entered. */
export async function timeInSegmentStats(
  storage: Storage,
  workspaceId: string,
  segmentId: string,
  until: string | number | Date,
): Promise<{ profiles: number; totalMs: number; averageMs: number }> {
  const end = parseOrThrow(instant, until, 'instant');
  let profiles = 0;
  let totalMs = 0;
  for await (const history of histories(storage, workspaceId, segmentId)) {
    profiles += 1;
    totalMs += timeInSegment(history, end);
  }
  return { profiles, totalMs, averageMs: profiles === 0 ? 0 : totalMs / profiles };
}

/** Segment size at each of `points` instants: size over time. */
export async function sizeOverTime(
  storage: Storage,
  workspaceId: string,
  segmentId: string,
  points: readonly (string | number | Date)[],
): Promise<{ at: string; size: number }[]> {
  const instants = parseOrThrow(z.array(instant).min(1).max(10_000), points, 'instants');
  const sizes = new Array(instants.length).fill(0);
  for await (const history of histories(storage, workspaceId, segmentId)) {
    instants.forEach((when, index) => {
      if (memberAt(history, when)) sizes[index] += 1;
    });
  }
  return instants.map((when, index) => ({ at: new Date(when).toISOString(), size: sizes[index] }));
}

/** How many profiles moved between segments over a period. */
export interface TransitionMatrix {
  from: string;
  to: string;
  /** The segments, plus `(none)` for profiles in none of them. */
  states: string[];
  /** `counts[a][b]`: profiles in state `a` at `from` and in state `b` at `to`. */
  counts: Record<string, Record<string, number>>;
}

/** The state name of a profile in none of the segments. */
export const OUTSIDE = '(none)';

/**
 * The transition matrix between a set of segments over a period: for every profile that was in
 * one of them at `from` or at `to`, where it was then and where it is now. A profile in several
 * segments counts in the first of `segmentIds` that holds it (list them by priority, as RFM
 * segments are).
 */
export async function transitionMatrix(
  storage: Storage,
  workspaceId: string,
  input: { segmentIds: readonly string[]; from: string | number | Date; to: string | number | Date },
): Promise<TransitionMatrix> {
  const parsed = parseOrThrow(
    z.object({ segmentIds, from: instant, to: instant }).strict(),
    input,
    'transition matrix query',
  );
  const at = new Map<string, { from?: string; to?: string }>();
  for (const segmentId of parsed.segmentIds) {
    for await (const history of histories(storage, workspaceId, segmentId)) {
      const entry = at.get(history.profileId) ?? {};
      if (entry.from === undefined && memberAt(history, parsed.from)) entry.from = segmentId;
      if (entry.to === undefined && memberAt(history, parsed.to)) entry.to = segmentId;
      at.set(history.profileId, entry);
    }
  }
  const states = [...parsed.segmentIds, OUTSIDE];
  const counts: Record<string, Record<string, number>> = {};
  for (const a of states) counts[a] = Object.fromEntries(states.map((b) => [b, 0]));
  for (const entry of at.values()) {
    if (entry.from === undefined && entry.to === undefined) continue;
    counts[entry.from ?? OUTSIDE]![entry.to ?? OUTSIDE]! += 1;
  }
  return { from: new Date(parsed.from).toISOString(), to: new Date(parsed.to).toISOString(), states, counts };
}
