import type { EventBus, IdGenerator, Storage } from '@cx/core';
import { COLLECTIONS } from '../collections';
import type { IdentityDecision } from './decision';

/** Collects the decisions of one operation and writes them once it is done. */
export class DecisionRecorder {
  readonly decisions: IdentityDecision[] = [];
  readonly #workspaceId: string;
  readonly #newId: IdGenerator;
  readonly #now: () => string;

  constructor(workspaceId: string, newId: IdGenerator, now: () => string) {
    this.#workspaceId = workspaceId;
    this.#newId = newId;
    this.#now = now;
  }

  /** Records a decision and returns it. */
  record(decision: Omit<IdentityDecision, 'id' | 'at'>): IdentityDecision {
    const full: IdentityDecision = { id: this.#newId(), at: this.#now(), ...decision };
    this.decisions.push(full);
    return full;
  }

  /** Stores every decision under the profiles it concerns, then publishes them. */
  async flush(storage: Storage, bus: EventBus | undefined): Promise<void> {
    if (this.decisions.length === 0) return;
    const writes: Promise<unknown>[] = [];
    for (const decision of this.decisions) {
      // A merge is filed under the survivor only: the merged-away profile is one of its members,
      // so the person's decision list still shows it, at half the writes on the hot path.
      const owners =
        decision.kind === 'merged' ? decision.profileIds.slice(0, 1) : new Set(decision.profileIds);
      for (const profileId of owners) {
        writes.push(
          storage.documents.put(this.#workspaceId, {
            collection: COLLECTIONS.decisions,
            key: `${profileId}/${decision.id}`,
            value: decision,
          }),
        );
      }
    }
    await Promise.all(writes);
    if (bus) {
      for (const decision of this.decisions) {
        await bus.publish('identity.decision', { workspaceId: this.#workspaceId, ...decision });
      }
    }
    this.decisions.length = 0;
  }
}
