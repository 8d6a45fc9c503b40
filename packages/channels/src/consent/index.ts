export { type ConsentDecision, type ConsentRequest, type ConsentRule, checkConsent } from './check-consent';
export {
  type ChannelPreferences,
  type ContactPreferences,
  emptyPreferences,
  type PreferenceChange,
  type Suppression,
  type SuppressionReason,
} from './contact-preferences';
export {
  applyPreferenceChange,
  type PreferenceChangeInput,
  preferenceChangeSchema,
} from './preference-change';
export {
  createPreferenceStore,
  PREFERENCES_COLLECTION,
  type PreferenceStore,
  type StoredPreferences,
} from './preference-store';
export { type SubscriptionTopic, subscriptionTopicsSchema } from './subscription-topics';
