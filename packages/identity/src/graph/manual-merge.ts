import { ConflictError } from '@cx/core';
import { requireProfile } from '../profiles/profile-ref';
import type { IdentityRuntime } from '../runtime';
import { GraphSession } from './graph-session';
import { findLimitViolation } from './limits';
import type { MergeLogEntry } from './merge-log';
import { mergeProfiles } from './merge-profiles';

/**
 * Merges two people on an operator's word. The identifier limits still apply: a merge that
 * would break one is refused (`ConflictError`), and the refusal is recorded like any decision.
 */
export async function manualMerge(
  runtime: IdentityRuntime,
  workspaceId: string,
  intoRef: unknown,
  fromRef: unknown,
): Promise<MergeLogEntry> {
  const [into, from] = await Promise.all([
    requireProfile(runtime, workspaceId, intoRef),
    requireProfile(runtime, workspaceId, fromRef),
  ]);
  if (into.id === from.id) throw new ConflictError(`Both references point at profile ${into.id}`);
  const session = new GraphSession(runtime, workspaceId);
  const states = await session.states([into.id]);
  const violation = findLimitViolation(
    runtime.config,
    into.identifiers,
    from.identifiers,
    states.get(into.id)!.identifiersAddedAt,
    runtime.clock.now(),
  );
  if (violation) {
    session.decisions.record({
      kind: 'refused',
      rule: 'limit',
      reason: `merging ${from.id} into ${into.id} would give it ${violation.count} ${violation.type} identifiers; the limit is ${violation.max}`,
      profileIds: [into.id, from.id],
      limit: {
        type: violation.type,
        max: violation.max,
        ...(violation.windowMs === undefined ? {} : { windowMs: violation.windowMs }),
      },
      refusedMergeWith: [from.id],
    });
    await session.flush();
    throw new ConflictError(`Merge refused: at most ${violation.max} ${violation.type} per profile`);
  }
  const entry = await mergeProfiles(session, into.id, from.id, {
    rule: 'manual',
    reason: `an operator merged ${from.id} into ${into.id}`,
  });
  await session.flush();
  return entry;
}
