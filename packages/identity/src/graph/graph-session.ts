import {
  type CreateProfileInput,
  type CxBusEvents,
  type CxEvent,
  type Identifier,
  type MergeInput,
  type MergeResult,
  NotFoundError,
  type ProfileRecord,
  type ProfileWrite,
  type PutDocumentInput,
  type Traits,
  type UnmergeInput,
} from '@cx/core';
import type { ProfileMergedPayload } from '../bus/identity-topics';
import { COLLECTIONS } from '../collections';
import { DecisionRecorder } from '../decisions/decision-recorder';
import { loadStates, type ProfileState } from '../profiles/profile-state';
import type { IdentityRuntime } from '../runtime';
import { nowIso } from '../runtime';
import { commitSession, notifyLater } from './commit-session';

/** A record after a staged write: what the store will hold once the session commits. */
const bump = (record: ProfileRecord, change: Partial<ProfileRecord>): ProfileRecord => ({
  ...record,
  ...change,
  version: record.version + 1,
});

/**
 * The working set of one ingest batch or one operation: who owns which identifier, the
 * profiles and states read so far, and what changed. Reads go through it so each profile is
 * fetched at most once per batch. Writes are staged, not made: later events of the batch see
 * them, and they reach the store together in one commit ({@link commitInput}), so a crash
 * leaves all of them or none.
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
  /**
   * The stored version of each state this session read (0: no document yet), or of the profiles
   * it created: its state write expects that version, so two writers cannot both update one
   * person's traits or consent from the same reading (the later commit is refused and planned
   * again).
   */
  readonly #stateVersions = new Map<string, number>();
  readonly #dirty = new Set<string>();
  /** Staged document writes by address: a later write of the same document replaces the earlier. */
  readonly #documents = new Map<string, PutDocumentInput>();
  readonly #creates: ProfileWrite[] = [];
  readonly #adds: ProfileWrite[] = [];
  readonly #ordered: ProfileWrite[] = [];
  readonly #patches: ProfileWrite[] = [];
  /** Identity's own events (`Profile Merged`...), each after the event that caused it. */
  readonly events: { event: CxEvent; after?: string }[] = [];
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

  /** Replaces the cached record with what a staged write will make of it. */
  remember(record: ProfileRecord): void {
    this.#records.set(record.id, record);
  }

  /** Profile states, loading the missing ones in one round trip. */
  async states(profileIds: readonly string[]): Promise<Map<string, ProfileState>> {
    const missing = profileIds.filter((id) => !this.#states.has(id));
    if (missing.length > 0) {
      const loaded = await loadStates(this.runtime.storage.documents, this.workspaceId, missing);
      for (const [id, { state, version }] of loaded) {
        this.#states.set(id, state);
        this.#stateVersions.set(id, version);
      }
    }
    return new Map(profileIds.map((id) => [id, this.#states.get(id)!]));
  }

  /**
   * Sets a profile's state; written by {@link flush}. `readVersion`, for a state read outside the
   * session, is the version the write expects.
   */
  setState(profileId: string, state: ProfileState, readVersion?: number): void {
    if (readVersion !== undefined) this.#stateVersions.set(profileId, readVersion);
    this.#states.set(profileId, state);
    this.#dirty.add(profileId);
  }

  /** Sets an identifier's link set; written by {@link flush}. */
  setLinks(key: string, profiles: string[]): void {
    this.links.set(key, profiles);
    this.#dirtyLinks.add(key);
  }

  /** The value staged for a document, if the session wrote it. */
  staged<T>(collection: string, key: string): PutDocumentInput<T> | undefined {
    return this.#documents.get(`${collection}\u0000${key}`) as PutDocumentInput<T> | undefined;
  }

  /** Stages a document write for the session's commit (replacing an earlier one of the same document). */
  putDocument(input: PutDocumentInput): void {
    this.#documents.set(`${input.collection}\u0000${input.key}`, input);
  }

  /** Stages a merge log entry; it commits with the merge it describes. */
  logMerge(input: PutDocumentInput): void {
    this.putDocument(input);
  }

  /** Stages an event of identity's own (`Profile Merged`...), appended after `after` if given. */
  addEvent(event: CxEvent, after?: string): void {
    this.events.push({ event, ...(after === undefined ? {} : { after }) });
  }

  /**
   * Stages a new profile (with its id, so later writes can name it) and returns its record as
   * the store will hold it.
   */
  create(input: CreateProfileInput): ProfileRecord {
    const id = input.id ?? this.runtime.newId();
    const at = nowIso(this.runtime);
    const record: ProfileRecord = {
      id,
      identifiers: [...(input.identifiers ?? [])],
      traits: { ...(input.traits ?? {}) },
      mergedInto: null,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    this.#creates.push({ op: 'create', id, identifiers: record.identifiers, traits: record.traits });
    this.#stateVersions.set(id, 0);
    this.#records.set(id, record);
    return record;
  }

  /** Stages identifiers joining a canonical profile the session has read. */
  addIdentifiers(profileId: string, identifiers: Identifier[]): void {
    // Adds are committed before every merge (see commitInput): only a profile still canonical may take them.
    if (this.mergedInto.has(profileId))
      throw new Error(`internal: identifiers staged on merged-away ${profileId}`);
    this.#adds.push({ op: 'addIdentifiers', profileId, identifiers });
    const record = this.#records.get(profileId);
    if (record)
      this.#records.set(profileId, bump(record, { identifiers: [...record.identifiers, ...identifiers] }));
  }

  /** Stages identifiers leaving a profile (a quarantine), in order with the merges. */
  removeIdentifiers(profileId: string, identifiers: Identifier[]): void {
    this.#ordered.push({ op: 'removeIdentifiers', profileId, identifiers });
    const record = this.#records.get(profileId);
    if (!record) return;
    const gone = new Set(identifiers.map((i) => `${i.type}:${i.value}`));
    const kept = record.identifiers.filter((i) => !gone.has(`${i.type}:${i.value}`));
    this.#records.set(profileId, bump(record, { identifiers: kept }));
  }

  /**
   * Stages a merge of two canonical profiles the session has read, and returns what the store
   * will make of it.
   */
  merge(input: MergeInput): MergeResult {
    const into = this.#records.get(input.into);
    const from = this.#records.get(input.from);
    if (!into || !from) throw new NotFoundError(`Profile ${into ? input.from : input.into} not read`);
    this.#ordered.push({ op: 'merge', ...input });
    const result: MergeResult = {
      into: bump(into, {
        identifiers: [...into.identifiers, ...from.identifiers],
        traits: input.traits ?? { ...from.traits, ...into.traits },
      }),
      from: bump(from, { identifiers: [], mergedInto: into.id }),
      movedIdentifiers: from.identifiers,
    };
    return result;
  }

  /** Stages the undoing of a merge (see `ProfileStore.unmerge`), in order with the merges. */
  unmerge(input: UnmergeInput): void {
    this.#ordered.push({ op: 'unmerge', ...input });
  }

  /** Stages a trait patch of a canonical profile, applied after every graph change. */
  patchTraits(profileId: string, set: Traits): void {
    // Patches are committed after every merge: only the final survivor may take them.
    if (this.mergedInto.has(profileId))
      throw new Error(`internal: traits staged on merged-away ${profileId}`);
    this.#patches.push({ op: 'patchTraits', profileId, set });
    const record = this.#records.get(profileId);
    if (record) this.#records.set(profileId, bump(record, { traits: { ...record.traits, ...set } }));
  }

  /**
   * Everything the session changed, as one commit: new profiles first, then identifiers joining
   * known profiles, then merges and quarantines in the order they were decided, then trait
   * patches; documents (states, link sets, decisions, merge log, flags) alongside.
   *
   * The order is safe because of what a batch can stage: a new profile only takes identifiers
   * nobody holds; identifiers join a profile while it is canonical, which it is before every
   * merge; a patch goes to a profile that is canonical at the end.
   */
  commitInput(): { profiles: ProfileWrite[]; documents: PutDocumentInput[] } {
    const documents = [...this.#documents.values()];
    for (const id of this.#dirty) {
      const expectedVersion = this.#stateVersions.get(id);
      documents.push({
        collection: COLLECTIONS.state,
        key: id,
        value: this.#states.get(id)!,
        ...(expectedVersion === undefined ? {} : { expectedVersion }),
      });
    }
    for (const key of this.#dirtyLinks) {
      documents.push({ collection: COLLECTIONS.links, key, value: { profiles: this.links.get(key)! } });
    }
    documents.push(...this.decisions.documents());
    return {
      profiles: [...this.#creates, ...this.#adds, ...this.#ordered, ...this.#patches],
      documents,
    };
  }

  /** Commits what the session changed (see {@link commitInput}), then queues its notifications. */
  async flush(): Promise<void> {
    await commitSession(this);
    this.notify();
  }

  /**
   * Queues the decisions, merges and profile updates for the bus. They go out after the current
   * call has returned, one after another: a subscriber never runs inside the operation (or the
   * HTTP request) that caused it, and a slow one holds up nothing.
   */
  notify(): void {
    const { bus } = this.runtime;
    const decisions = this.decisions.decisions.splice(0);
    const merged = this.merged.splice(0);
    const updated = this.updated.splice(0);
    if (!bus) return;
    const ws = this.workspaceId;
    notifyLater(this.runtime, async () => {
      for (const decision of decisions)
        await bus.publish('identity.decision', { workspaceId: ws, ...decision });
      for (const payload of merged) await bus.publish('identity.profile.merged', payload);
      for (const payload of updated) await bus.publish('identity.profile.updated', payload);
    });
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
