import type { Clock, EventBus, IdGenerator, Storage } from '@cx/core';
import type { RecentMessages } from './collection/recent-messages';
import type { IdentityConfig } from './config/identity-config';

/** What every identity operation works with; built once by `createIdentity`. */
export interface IdentityRuntime {
  storage: Storage;
  bus: EventBus | undefined;
  clock: Clock;
  config: IdentityConfig;
  newId: IdGenerator;
  recent: RecentMessages;
  /** Settles once every bus notification queued so far is published (see `notifyLater`). */
  notifications: Promise<void>;
}

/** The runtime's clock as a UTC ISO string. */
export const nowIso = (runtime: IdentityRuntime) => new Date(runtime.clock.now()).toISOString();
