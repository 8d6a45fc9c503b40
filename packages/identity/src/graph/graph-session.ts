import { type CxBusEvents, type Identifier, NotFoundError, type ProfileRecord } from '@cx/core';
import type { ProfileMergedPayload } from '../bus/identity-topics';
import { COLLECTIONS } from '../collections';
import { DecisionRecorder } from '../decisions/decision-recorder';
import { loadStates, type ProfileState, saveState } from '../profiles/profile-state';
import type { IdentityRuntime } from '../runtime';
import { nowIso } from '../runtime';

/**
 * The working set of one ingest batch or one operation: who owns which identifier, the
 * profiles and states read so far, and what changed. Reads go through it so each profile is
 * fetched at most once per batch; writes update it so later events of the batch see them.
 */
export class GraphSession {
  /** `type:value` → canonical profile id, as far as this session knows. */
  readonly owners = new Map<string, string>();
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

  /** Several records, fetched concurrently. */
  records(profileIds: readonly string[]): Promise<ProfileRecord[]> {
    return Promise.all(profileIds.map((id) => this.record(id)));
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

  /** Sets a profile's state; written by {@link flushStates}. */
  setState(profileId: string, state: ProfileState): void {
    this.#states.set(profileId, state);
    this.#dirty.add(profileId);
  }

  /** Sets an identifier's link set; written by {@link flushStates}. */
  setLinks(key: string, profiles: string[]): void {
    this.links.set(key, profiles);
    this.#dirtyLinks.add(key);
  }

  /** Writes the states and link sets changed in this session, concurrently. */
  async flushStates(): Promise<void> {
    const { documents } = this.runtime.storage;
    const ids = [...this.#dirty];
    const links = [...this.#dirtyLinks];
    this.#dirty.clear();
    this.#dirtyLinks.clear();
    await Promise.all([
      ...ids.map((id) => saveState(documents, this.workspaceId, id, this.#states.get(id)!)),
      ...links.map((key) =>
        documents.put(this.workspaceId, {
          collection: COLLECTIONS.links,
          key,
          value: { profiles: this.links.get(key)! },
        }),
      ),
    ]);
  }

  /** Writes states and decisions, then publishes the merges and decisions. */
  async flush(): Promise<void> {
    await this.flushStates();
    await this.decisions.flush(this.runtime.storage, this.runtime.bus);
    const bus = this.runtime.bus;
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
