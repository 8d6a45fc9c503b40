import type { CommitInput, CxEvent, PutDocumentInput, ScheduleWorkInput, Storage } from '@cx/core';
import { historyKey, MEMBERSHIP_HISTORY, type MembershipHistory } from '../history/membership-spans';
import { type MembershipCause, membershipEvent, type RecordedChange } from './membership-events';
import {
  cloneProfileState,
  emptyProfileState,
  PROFILE_STATE,
  type ProfileSegmentState,
} from './profile-state';
import { type MembershipChange, nextBoundary, type SegmentModel } from './segment-model';

/** The queue of per-profile time checks (window expiry), keyed by profile id. */
export const EXPIRY_QUEUE = 'segments.expiry';

interface Loaded {
  version: number;
  state: ProfileSegmentState | null;
  changed: boolean;
  deleted: boolean;
}

/**
 * The profiles one step works on: their state documents read once, changed in memory, and
 * written back in one commit with the membership events, history and expiry checks they imply,
 * each document guarded by the version it was read at.
 */
export class StateBatch {
  readonly #loaded = new Map<string, Loaded>();
  readonly #traits = new Map<string, Record<string, unknown>>();
  readonly #changes: RecordedChange[] = [];
  readonly #events: CxEvent[] = [];
  /** History keys to erase (a deleted person's). */
  readonly erase: string[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly workspaceId: string,
    private readonly model: SegmentModel,
  ) {}

  /** Reads the state (and, when segments test traits, the traits) of these profiles. */
  async load(profileIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(profileIds)].filter((id) => !this.#loaded.has(id));
    if (ids.length === 0) return;
    const docs = await this.storage.documents.getMany<ProfileSegmentState | null>(
      this.workspaceId,
      PROFILE_STATE,
      ids,
    );
    const byId = new Map(docs.map((doc) => [doc.key, doc]));
    for (const id of ids) {
      const doc = byId.get(id);
      this.#loaded.set(id, {
        version: doc?.version ?? 0,
        state: doc?.value ?? null,
        changed: false,
        deleted: false,
      });
    }
    if (this.model.usesTraits) await this.reloadTraits(ids);
  }

  /** Reads traits again (after a merge or an identify changed them). */
  async reloadTraits(ids: readonly string[]): Promise<void> {
    const profiles = await this.storage.profiles.getMany(this.workspaceId, ids);
    for (const profile of profiles) this.#traits.set(profile.id, profile.traits);
  }

  traits(profileId: string): Record<string, unknown> {
    return this.#traits.get(profileId) ?? {};
  }

  /** Whether the profile has a stored state. */
  has(profileId: string): boolean {
    return this.#loaded.get(profileId)?.state != null;
  }

  /** The profile's state, to change (a copy of what was read, made on first use). */
  state(profileId: string): ProfileSegmentState {
    const loaded = this.#loaded.get(profileId)!;
    if (!loaded.changed || loaded.state === null) {
      loaded.state = loaded.state === null ? emptyProfileState() : cloneProfileState(loaded.state);
      loaded.changed = true;
      loaded.deleted = false;
    }
    return loaded.state;
  }

  /** Forgets a profile (merged away or deleted): its document is written as `null`. */
  drop(profileId: string): void {
    const loaded = this.#loaded.get(profileId)!;
    loaded.state = null;
    loaded.changed = true;
    loaded.deleted = true;
  }

  /** Records membership changes of one profile with their cause. */
  record(
    profileId: string,
    changes: readonly MembershipChange[],
    cause: MembershipCause,
    at: number,
    names: (id: string) => string,
  ): void {
    const state = this.state(profileId);
    for (const change of changes) {
      const recorded = {
        profileId,
        segmentId: change.segmentId,
        segmentName: names(change.segmentId),
        entered: change.entered,
        at,
        cause,
      };
      this.#changes.push(recorded);
      this.#events.push(membershipEvent(recorded, state));
    }
  }

  /** The changes recorded so far. */
  get changes(): readonly RecordedChange[] {
    return this.#changes;
  }

  /** The commit that writes it all: states, history, events, and the next time check of each profile. */
  async commitInput(now: number): Promise<CommitInput> {
    const documents: PutDocumentInput[] = [];
    const schedule: ScheduleWorkInput[] = [];
    const cancel: { queue: string; key: string }[] = [];
    for (const [profileId, loaded] of this.#loaded) {
      if (!loaded.changed) continue;
      const state = loaded.state;
      if (state !== null) {
        const next = nextBoundary(this.model, state, profileId, this.traits(profileId), now);
        if (next !== state.n) {
          if (next === undefined) {
            delete state.n;
            cancel.push({ queue: EXPIRY_QUEUE, key: profileId });
          } else {
            state.n = next;
            schedule.push({ queue: EXPIRY_QUEUE, key: profileId, dueAt: next, ifExists: 'replace' });
          }
        }
      } else if (loaded.version > 0) {
        cancel.push({ queue: EXPIRY_QUEUE, key: profileId });
      }
      if (state === null && loaded.version === 0) continue;
      documents.push({
        collection: PROFILE_STATE,
        key: profileId,
        value: state,
        expectedVersion: loaded.version,
      });
    }
    documents.push(...(await this.#historyWrites()));
    return { documents, schedule, cancel, events: this.#events };
  }

  /** Appends each change to its history document; erased profiles' histories become `null`. */
  async #historyWrites(): Promise<PutDocumentInput[]> {
    const keys = [...new Set(this.#changes.map((change) => historyKey(change.segmentId, change.profileId)))];
    const stored =
      keys.length === 0
        ? []
        : await this.storage.documents.getMany<MembershipHistory | null>(
            this.workspaceId,
            MEMBERSHIP_HISTORY,
            keys,
          );
    const histories = new Map(stored.map((doc) => [doc.key, { version: doc.version, value: doc.value }]));
    const updated = new Map<string, MembershipHistory>();
    for (const change of this.#changes) {
      const key = historyKey(change.segmentId, change.profileId);
      const history = updated.get(key) ??
        structuredClone(histories.get(key)?.value) ?? {
          segmentId: change.segmentId,
          profileId: change.profileId,
          spans: [],
        };
      const open = history.spans[history.spans.length - 1];
      if (change.entered) {
        if (open === undefined || open.out !== undefined)
          history.spans.push({ in: change.at, inCause: change.cause });
      } else if (open !== undefined && open.out === undefined) {
        open.out = change.at;
        open.outCause = change.cause;
      }
      updated.set(key, history);
    }
    const writes: PutDocumentInput[] = [...updated].map(([key, value]) => ({
      collection: MEMBERSHIP_HISTORY,
      key,
      value,
      expectedVersion: histories.get(key)?.version ?? 0,
    }));
    for (const key of new Set(this.erase)) {
      if (!updated.has(key)) writes.push({ collection: MEMBERSHIP_HISTORY, key, value: null });
    }
    return writes;
  }
}
