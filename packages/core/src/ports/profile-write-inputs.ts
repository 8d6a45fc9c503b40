import { z } from 'zod';
import { parseOrThrow } from '../errors/from-zod';
import {
  assertCreatableTogether,
  MAX_COMMIT_WRITES,
  parseCreateProfile,
  parseId,
  parseIdentifiers,
  parseMergeInput,
  parseTraitPatch,
  parseUnmergeInput,
} from './inputs';
import type { Identifier } from './profile-store';

/** The most profile writes one commit may hold. */
export const MAX_PROFILE_WRITES = MAX_COMMIT_WRITES;

/** A validated {@link ProfileWrite}, in the form the ProfileStore methods take after parsing. */
export type ParsedProfileWrite =
  | { op: 'create'; profile: ReturnType<typeof parseCreateProfile> & { id: string } }
  | { op: 'addIdentifiers'; profileId: string; identifiers: Identifier[] }
  | { op: 'removeIdentifiers'; profileId: string; identifiers: Identifier[] }
  | { op: 'patchTraits'; patch: ReturnType<typeof parseTraitPatch> }
  | { op: 'merge'; merge: ReturnType<typeof parseMergeInput> }
  | { op: 'unmerge'; unmerge: ReturnType<typeof parseUnmergeInput> };

const writeSchema = z.looseObject({
  op: z.enum(['create', 'addIdentifiers', 'removeIdentifiers', 'patchTraits', 'merge', 'unmerge'], {
    message: 'op must be create, addIdentifiers, removeIdentifiers, patchTraits, merge or unmerge',
  }),
});
const listSchema = z
  .array(writeSchema)
  .max(MAX_PROFILE_WRITES, `At most ${MAX_PROFILE_WRITES} profile writes per commit`);

/**
 * Validates a commit's profile writes, each as its ProfileStore method validates its input.
 * Creates must name their id; two creates may not share an id or an identifier.
 */
export function parseProfileWrites(workspaceId: string, writes: unknown): ParsedProfileWrite[] {
  const list = parseOrThrow(listSchema, writes, 'profile writes');
  const out = list.map((write, index): ParsedProfileWrite => {
    const { op, ...rest } = write;
    const at = `profile writes[${index}]`;
    switch (op) {
      case 'create': {
        const profile = parseCreateProfile(workspaceId, rest);
        if (profile.id === undefined) parseId(workspaceId, undefined, `${at}: a created profile's id`);
        return { op, profile: profile as typeof profile & { id: string } };
      }
      case 'addIdentifiers':
      case 'removeIdentifiers': {
        const { profileId, identifiers } = rest as { profileId?: unknown; identifiers?: unknown };
        return {
          op,
          profileId: parseId(workspaceId, profileId, `${at}: profile id`),
          identifiers: parseIdentifiers(identifiers),
        };
      }
      case 'patchTraits': {
        const { profileId, ...patch } = rest as { profileId?: unknown };
        return { op, patch: parseTraitPatch(workspaceId, profileId, patch) };
      }
      case 'unmerge':
        return { op, unmerge: parseUnmergeInput(workspaceId, rest) };
      default:
        return { op, merge: parseMergeInput(workspaceId, rest) };
    }
  });
  assertCreatableTogether(
    out.flatMap((write) => (write.op === 'create' ? [write.profile] : [])),
    'commit',
  );
  return out;
}
