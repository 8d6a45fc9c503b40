import {
  type CreateProfileInput,
  type CxBusEvents,
  type Identifier,
  MAX_PUT_MANY,
  type MergeInput,
  type MergeResult,
  NotFoundError,
  type ProfileRecord,
  type PutDocumentInput,
} from '@cx/core';
import type { ProfileMergedPayload } from '../bus/identity-topics';
import { COLLECTIONS } from '../collections';
import { DecisionRecorder } from '../decisions/decision-recorder';
import { loadStates, type ProfileState } from '../profiles/profile-state';
import type { IdentityRuntime } from '../runtime';
import { nowIso } from '../runtime';
import { allOrEach } from './all-or-each';
import { TickBatcher } from './tick-batcher';

/** The most merges one `mergeMany` takes, and profiles one `createMany` takes. */
const MAX_MERGE_MANY = 1000;
const MAX_CREATE_MANY = 1000;

/**
 * The working set of one ingest batch or one operation: who owns which identifier, the
 * profiles and states read so far, and what changed. Reads go through it so each profile is
 * fetched at most once per batch; writes update it so later events of the batch see them.
 */
export class GraphSession {
  /** `type:value` → canonical profile id, as far as this session knows. */
  #owners = new Map<string, string>();
  /** Identifiers quarantined (found in the store or during this session). */
  readonly quarantined = new Set<string>();
  /** Merged-away id → the id it was merged into during this session. */
  readonly mergedInto = new Map<string, string>();
  readonly decisions: DecisionRecorder;
  /** Merges done in this session, published once it is flushed. */
  readonly merged: ProfileMergedPayload[] = [];
  /** Profiles whose traits or consent changed, published once the session is flushed. */
  readonly updated: CxBusEvents['identity.profile.updated'][] = [];
  /** Events whose traits and consent were applied when their profile was created. */
  readonly appliedAtCreate = new Set<string>();
  /** Link document key → the profiles that identifier bridged (see `identity.links`). */
  readonly links = new Map<string, string[]>();
  readonly #dirtyLinks = new Set<string>();
  readonly #records = new Map<string, ProfileRecord>();
  readonly #states = new Map<string, ProfileState>();
  readonly #dirty = new Set<string>();
  readonly runtime: IdentityRuntime;
  readonly workspaceId: string;

  /** `type:value` → canonical profile id, as far as this session knows. */
  get owners(): Map<string, string> {
    return this.#owners;
  }

  /** Starts from a lookup's result (which the session then owns), without copying it. */
  adoptOwners(found: Map<string, string>): void {
    if (this.#owners.size === 0) this.#owners = found;
    else for (const [key, owner] of found) this.#owners.set(key, owner);
  }

  constructor(runtime: IdentityRuntime, workspaceId: string) {
    this.runtime = runtime;
    this.workspaceId = workspaceId;
    this.decisions = new DecisionRecorder(workspaceId, runtime.newId, () => nowIso(runtime));
  }

  /** A profile record, read once per session. */
  async record(profileId: string): Promise<ProfileRecord> {
    let record = this.#records.get(profileId);
    if (!record) {
      const fetched = await this.runtime.storage.profiles.get(this.workspaceId, profileId);
      if (!fetched) throw new NotFoundError(`Profile ${profileId} not found`);
      record = fetched;
      this.#records.set(profileId, record);
    }
    return record;
  }

  /** Several records; the ones not read yet come in one `getMany`. */
  async records(profileIds: readonly string[]): Promise<ProfileRecord[]> {
    const missing = profileIds.filter((id) => !this.#records.has(id));
    if (missing.length === 1) await this.record(missing[0]!);
    else if (missing.length > 1) {
      for (let i = 0; i < missing.length; i += 10_000) {
        const part = missing.slice(i, i + 10_000);
        const fetched = await this.runtime.storage.profiles.getMany(this.workspaceId, part);
        for (const record of fetched) this.#records.set(record.id, record);
      }
    }
    return profileIds.map((id) => {
      const record = this.#records.get(id);
      if (!record) throw new NotFoundError(`Profile ${id} not found`);
      return record;
    });
  }

  /** Replaces the cached record after a write. */
  remember(record: ProfileRecord): void {
    this.#records.set(record.id, record);
  }

  /** Forgets cached records, after a write lost a race with another process. */
  forget(profileIds: readonly string[]): void {
    for (const id of profileIds) this.#records.delete(id);
  }

  /** Profile states, loading the missing ones in one round trip. */
  async states(profileIds: readonly string[]): Promise<Map<string, ProfileState>> {
    const missing = profileIds.filter((id) => !this.#states.has(id));
    if (missing.length > 0) {
      const loaded = await loadStates(this.runtime.storage.documents, this.workspaceId, missing);
      for (const [id, { state }] of loaded) this.#states.set(id, state);
    }
    return new Map(profileIds.map((id) => [id, this.#states.get(id)!]));
  }

  /** Sets a profile's state; written by {@link flush}. */
  setState(profileId: string, state: ProfileState): void {
    this.#states.set(profileId, state);
    this.#dirty.add(profileId);
  }

  /** Sets an identifier's link set; written by {@link flush}. */
  setLinks(key: string, profiles: string[]): void {
    this.links.set(key, profiles);
    this.#dirtyLinks.add(key);
  }

  /**
   * Writes a merge log entry before its merge. Entries of merges that are ready together (the
   * merges of different people of one batch) go in one `putMany`: one commit instead of one per
   * merge, and each merge still waits until its entry is stored.
   */
  logMerge(input: PutDocumentInput): Promise<void> {
    return this.#logs.add(input);
  }

  /**
   * Merges two profiles. Merges issued together go in one `mergeMany` (one transaction); if one
   * of them cannot happen (`CONFLICT`, `NOT_FOUND`: nothing was applied), each runs on its own,
   * so every caller gets exactly the outcome a lone `merge` would have given it.
   */
  merge(input: MergeInput): Promise<MergeResult> {
    return this.#merges.add(input);
  }

  /**
   * Creates a profile. Creates issued together (the new people of a batch) go in one
   * `createMany`; if that conflicts (nothing was created), each runs on its own, so every
   * caller gets exactly the outcome a lone `create` would have given it.
   */
  create(input: CreateProfileInput): Promise<ProfileRecord> {
    return this.#creates.add(input);
  }

  readonly #creates = new TickBatcher<CreateProfileInput, ProfileRecord>((inputs) => {
    const { profiles } = this.runtime.storage;
    return allOrEach(inputs, {
      max: MAX_CREATE_MANY,
      all: (part) => profiles.createMany(this.workspaceId, part),
      each: (input) => profiles.create(this.workspaceId, input),
      refusals: ['CONFLICT'],
    });
  });

  readonly #logs = new TickBatcher<PutDocumentInput, void>(async (inputs) => {
    for (let i = 0; i < inputs.length; i += MAX_PUT_MANY) {
      await this.runtime.storage.documents.putMany(this.workspaceId, inputs.slice(i, i + MAX_PUT_MANY));
    }
    return inputs.map(() => ({ status: 'fulfilled', value: undefined }));
  });

  readonly #merges = new TickBatcher<MergeInput, MergeResult>((inputs) => {
    const { profiles } = this.runtime.storage;
    return allOrEach(inputs, {
      max: MAX_MERGE_MANY,
      all: (part) => profiles.mergeMany(this.workspaceId, part),
      each: (input) => profiles.merge(this.workspaceId, input),
      refusals: ['CONFLICT', 'NOT_FOUND'],
    });
  });

  /** Writes what the session changed, then publishes it (see {@link write}, {@link publish}). */
  async flush(): Promise<void> {
    await this.write();
    await this.publish();
  }

  /**
   * Writes what the session changed (states, link sets, decisions) in one atomic `putMany` per
   * {@link MAX_PUT_MANY} documents.
   */
  async write(): Promise<void> {
    const writes: PutDocumentInput[] = [];
    for (const id of this.#dirty) {
      writes.push({ collection: COLLECTIONS.state, key: id, value: this.#states.get(id)! });
    }
    for (const key of this.#dirtyLinks) {
      writes.push({ collection: COLLECTIONS.links, key, value: { profiles: this.links.get(key)! } });
    }
    this.#dirty.clear();
    this.#dirtyLinks.clear();
    writes.push(...this.decisions.documents());
    for (let i = 0; i < writes.length; i += MAX_PUT_MANY) {
      await this.runtime.storage.documents.putMany(this.workspaceId, writes.slice(i, i + MAX_PUT_MANY));
    }
  }

  /** Publishes the decisions, merges and profile updates written so far. */
  async publish(): Promise<void> {
    const { bus } = this.runtime;
    await this.decisions.publish(bus);
    for (const payload of this.merged.splice(0)) await bus?.publish('identity.profile.merged', payload);
    for (const payload of this.updated.splice(0)) await bus?.publish('identity.profile.updated', payload);
  }

  /** The canonical id a profile id ended up at after this session's merges. */
  canonical(profileId: string): string {
    let id = profileId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  /** Points identifiers at a profile in the session's view. */
  own(identifiers: readonly Identifier[], profileId: string): void {
    for (const identifier of identifiers)
      this.owners.set(`${identifier.type}:${identifier.value}`, profileId);
  }
}
