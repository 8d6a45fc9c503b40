import { type CxBusEvents, createLocalBus, ManualClock, memoryStorage, type Storage } from '@cx/core';
import { createIdentity, type Identity, type IdentityConfigInput, type IdentityDecision } from '../src';

export const WS = 'acme';

/** A fresh identity on memory storage with a manual clock, recording every published decision. */
export function setup(config: IdentityConfigInput = {}, storage?: Storage) {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const store = storage ?? memoryStorage({ clock });
  const bus = createLocalBus<CxBusEvents>();
  const decisions: IdentityDecision[] = [];
  const merged: CxBusEvents['identity.profile.merged'][] = [];
  bus.subscribe('identity.decision', (decision) => {
    decisions.push(decision);
  });
  bus.subscribe('identity.profile.merged', (payload) => {
    merged.push(payload);
  });
  const identity = settled(createIdentity({ storage: store, bus, clock, config }));
  return { identity, storage: store, clock, bus, decisions, merged };
}

/**
 * The identity with every operation awaiting its bus notifications too, so a test reads what
 * subscribers saw right after the call (notifications go out after an operation returns).
 */
export function settled(identity: Identity): Identity {
  return new Proxy(identity, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function' || name === 'notified' || name === 'registerProfileExtension')
        return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(target, args);
        } finally {
          await target.notified();
        }
      };
    },
  });
}

let counter = 0;
/** A unique messageId. */
export const mid = (prefix = 'm') => `${prefix}-${++counter}`;

export const track = (ids: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'track',
  event: 'Product Viewed',
  messageId: mid(),
  ...ids,
  ...extra,
});

export const identify = (ids: Record<string, unknown>, traits: Record<string, unknown> = {}, extra = {}) => ({
  type: 'identify',
  messageId: mid(),
  ...ids,
  traits,
  ...extra,
});

/** Identifier keys of a profile, sorted. */
export const keysOf = (profile: { identifiers: { type: string; value: string }[] } | null) =>
  (profile?.identifiers ?? []).map((i) => `${i.type}:${i.value}`).sort();
