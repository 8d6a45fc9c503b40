import type { DocumentStore } from '@cx/core';
import { COLLECTIONS } from '../collections';

/** One change of a trait's value. */
export interface TraitChange {
  value: unknown;
  /** Event time of the change (UTC ISO). */
  at: string;
  /** The source that sent it (`context.library.name`, or `unknown`). */
  source: string;
}

/** What identity keeps about a trait beyond its value: when and from where, and its history. */
export interface TraitMeta extends TraitChange {
  /** Earlier values, newest last, at most `traits.historyLimit` of them. */
  history: TraitChange[];
}

/** A consent category's state: latest wins; `conflict` when merged profiles disagree. */
export interface ConsentState {
  value: boolean | 'conflict';
  at: string;
}

/** The per-profile document `identity.profile-state/<profileId>`. */
export interface ProfileState {
  traits: Record<string, TraitMeta>;
  consent: Record<string, ConsentState>;
  /** When each identifier joined the profile, kept for limits with a time window. */
  identifiersAddedAt: Record<string, string>;
  /** Profiles unmerged from this one: never merged with it again automatically. */
  splitFrom: string[];
}

/** A state with nothing in it. */
export const emptyState = (): ProfileState => ({
  traits: {},
  consent: {},
  identifiersAddedAt: {},
  splitFrom: [],
});

/** Fills fields missing from older documents. */
export const completeState = (value: Partial<ProfileState> | undefined): ProfileState => ({
  ...emptyState(),
  ...value,
});

/** Loads the states of several profiles in one round trip; missing ones are empty. */
export async function loadStates(
  documents: DocumentStore,
  workspaceId: string,
  profileIds: readonly string[],
): Promise<Map<string, { state: ProfileState; version: number }>> {
  const out = new Map<string, { state: ProfileState; version: number }>();
  for (let i = 0; i < profileIds.length; i += 10_000) {
    const docs = await documents.getMany<ProfileState>(
      workspaceId,
      COLLECTIONS.state,
      profileIds.slice(i, i + 10_000),
    );
    for (const doc of docs) out.set(doc.key, { state: completeState(doc.value), version: doc.version });
  }
  for (const id of profileIds) if (!out.has(id)) out.set(id, { state: emptyState(), version: 0 });
  return out;
}

/** The later of two ISO timestamps (ISO strings sort by time). */
export const laterOf = (a: string, b: string): string => [a, b].sort()[1]!;
