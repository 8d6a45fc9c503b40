import { type Clock, isCxError, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import { CHANNEL_KINDS, type ChannelKind } from '../contract/channel-kind';
import { type ContactPreferences, emptyPreferences } from './contact-preferences';
import {
  applyPreferenceChange,
  type PreferenceChangeInput,
  preferenceChangeSchema,
} from './preference-change';
import type { SubscriptionTopic } from './subscription-topics';

/** The collection that keeps one preferences document per profile. */
export const PREFERENCES_COLLECTION = 'channels.preferences';

/** A person's preferences and the document version they were read at. */
export interface StoredPreferences {
  preferences: ContactPreferences;
  /** 0 when the person never changed anything. */
  version: number;
}

/** Reads and changes consent, one profile at a time. */
export interface PreferenceStore {
  get(profileId: string): Promise<StoredPreferences>;
  /** Applies changes in order, atomically; `source` says who asked (`one-click`, `preference-page`, `api`). */
  change(
    profileId: string,
    changes: readonly PreferenceChangeInput[],
    source: string,
  ): Promise<ContactPreferences>;
  /**
   * The document write for `changes` on top of `current`, for callers that commit it together with
   * other state (a bounce webhook writes the suppression and the delivery event at once).
   */
  write(
    profileId: string,
    current: StoredPreferences,
    changes: readonly PreferenceChangeInput[],
    source: string,
  ): { collection: string; key: string; value: ContactPreferences; expectedVersion: number };
}

const profileIdSchema = z.string().min(1).max(1024);

/** The preferences of each profile, on the documents port, changed under optimistic concurrency. */
export function createPreferenceStore(options: {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  topics: ReadonlyMap<string, SubscriptionTopic>;
}): PreferenceStore {
  const { storage, workspaceId, clock, topics } = options;
  const topicChannels = (changes: readonly PreferenceChangeInput[]) => {
    const named = changes.find((change) => 'topic' in change && change.topic !== undefined) as
      | { topic: string }
      | undefined;
    return named ? (topics.get(named.topic)?.channels ?? CHANNEL_KINDS) : CHANNEL_KINDS;
  };

  const get = async (profileId: string): Promise<StoredPreferences> => {
    parseOrThrow(profileIdSchema, profileId, 'profileId');
    const document = await storage.documents.get<ContactPreferences>(
      workspaceId,
      PREFERENCES_COLLECTION,
      profileId,
    );
    return document
      ? { preferences: document.value, version: document.version }
      : { preferences: emptyPreferences(), version: 0 };
  };

  const write: PreferenceStore['write'] = (profileId, current, changes, source) => {
    const stamp = { at: new Date(clock.now()).toISOString(), source };
    let value = current.preferences;
    for (const change of changes) {
      value = applyPreferenceChange(value, change, stamp, topicChannels([change]) as ChannelKind[]);
    }
    return { collection: PREFERENCES_COLLECTION, key: profileId, value, expectedVersion: current.version };
  };

  return {
    get,
    write,
    async change(profileId, changes, source) {
      const parsed = parseOrThrow(z.array(preferenceChangeSchema).min(1), changes, 'preference changes');
      for (const change of parsed) {
        if ('topic' in change && change.topic !== undefined && !topics.has(change.topic)) {
          parseOrThrow(z.never({ error: `unknown topic ${change.topic}` }), change.topic, 'topic');
        }
      }
      // A concurrent change (another tab, a webhook) moves the version: read again and re-apply.
      for (let attempt = 0; ; attempt++) {
        const current = await get(profileId);
        try {
          const document = write(profileId, current, parsed as PreferenceChangeInput[], source);
          await storage.documents.put(workspaceId, document);
          return document.value;
        } catch (error) {
          if (!isCxError(error, 'CONFLICT') || attempt >= 4) throw error;
        }
      }
    },
  };
}
