import type { Clock, Storage } from '@cx/core';
import type { PreferenceStore } from '../consent/preference-store';
import type { SubscriptionTopic } from '../consent/subscription-topics';
import type { ChannelAdapter } from '../contract/channel-adapter';
import type { ChannelKind } from '../contract/channel-kind';
import type { PressurePolicy } from '../pressure';
import type { DeviceRegistry } from '../recipients/device-registry';
import type { RecipientTraits } from '../recipients/resolve-recipient';
import type { RetryPolicy } from './retry-policy';

/** What the dispatcher needs: the adapters and every policy that decides a send. */
export interface DispatchContext {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  adapters: ReadonlyMap<string, ChannelAdapter>;
  /** Adapter ids per channel, in failover order. */
  routes: ReadonlyMap<ChannelKind, readonly string[]>;
  preferences: PreferenceStore;
  topics: ReadonlyMap<string, SubscriptionTopic>;
  pressure: PressurePolicy;
  /** How long ledger entries are kept. */
  ledgerHorizonMs: number;
  devices: DeviceRegistry;
  recipientTraits: RecipientTraits;
  retry: RetryPolicy;
  /** Gives up on one provider call after this long; default 30 s. */
  sendTimeoutMs: number;
  /** Where jitter comes from; tests pass a seeded one. */
  random: () => number;
  /** The default time zone for people without one. */
  defaultTimezone: string;
}
