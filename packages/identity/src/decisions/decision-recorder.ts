import type { EventBus, IdGenerator, PutDocumentInput } from '@cx/core';
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

  /**
   * The documents that store every decision under the profiles it concerns, for the session's
   * single write. A merge is filed under the survivor only: the merged-away profile is one of its
   * members, so the person's decision list still shows it, at half the writes on the hot path.
   */
  documents(): PutDocumentInput[] {
    const out: PutDocumentInput[] = [];
    for (const decision of this.decisions) {
      const owners =
        decision.kind === 'merged' ? decision.profileIds.slice(0, 1) : new Set(decision.profileIds);
      for (const profileId of owners) {
        out.push({ collection: COLLECTIONS.decisions, key: `${profileId}/${decision.id}`, value: decision });
      }
    }
    return out;
  }

  /** Publishes the decisions (once stored) and forgets them. */
  async publish(bus: EventBus | undefined): Promise<void> {
    if (bus) {
      for (const decision of this.decisions) {
        await bus.publish('identity.decision', { workspaceId: this.#workspaceId, ...decision });
      }
    }
    this.decisions.length = 0;
  }
}
