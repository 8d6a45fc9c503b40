import type { ChannelKind } from '../contract/channel-kind';

/** Who changed a preference, and when. */
export interface PreferenceChange {
  /** UTC ISO time. */
  at: string;
  /** `one-click` (RFC 8058 link), `preference-page`, `webhook` (the provider reported it), `api`, `complaint`. */
  source: string;
}

/** Why an address may not be sent to at all, even transactional mail. */
export type SuppressionReason = 'hard-bounce' | 'complaint' | 'manual';

/** A suppressed channel: nothing goes out on it until it is lifted. */
export interface Suppression extends PreferenceChange {
  reason: SuppressionReason;
  /** The address that bounced or complained. */
  address?: string;
}

/** One person's preferences on one channel. */
export interface ChannelPreferences {
  /** Left every marketing message on this channel. */
  unsubscribed?: PreferenceChange;
  /** Topic choices: `true` joined, `false` left. Topics not listed take their default. */
  topics?: Record<string, boolean>;
  suppressed?: Suppression;
}

/**
 * A person's consent, kept per profile in the `channels.preferences` collection. Marketing messages
 * honour all of it; transactional messages honour only suppressions.
 */
export interface ContactPreferences {
  /** Left every marketing message on every channel. */
  unsubscribedAll?: PreferenceChange;
  channels: Partial<Record<ChannelKind, ChannelPreferences>>;
}

/** Preferences of someone who never changed any. */
export const emptyPreferences = (): ContactPreferences => ({ channels: {} });
