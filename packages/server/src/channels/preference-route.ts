import type { ContactPreferences, PreferenceChangeInput, SubscriptionTopic } from '@cx/channels';
import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { linkFailure } from './channel-errors';
import { loadChannels, serviceForToken } from './channels-service';
import { htmlResponse } from './html-pages';
import { formChanges, preferenceGroups } from './preference-form';
import { preferencePage } from './preference-page';
import { hasJsonBody, prefersJson, readForm, readJson } from './request-body';

/** The JSON answer of `GET|POST /v1/channels/preferences/<token>`. */
export interface PreferencesBody {
  profileId: string;
  preferences: ContactPreferences;
  /** The workspace's subscription topics, for a page of your own. */
  topics: readonly SubscriptionTopic[];
}

/** The JSON body of `POST /v1/channels/preferences/<token>`. */
export interface PreferenceUpdateBody {
  /** Applied in order, all or none. */
  changes: PreferenceChangeInput[];
}

let updateSchema: z.ZodType<PreferenceUpdateBody> | undefined;

/** The update body's schema, built from `@cx/channels`'s change schema once it is loaded. */
async function preferenceUpdateSchema(): Promise<z.ZodType<PreferenceUpdateBody>> {
  if (updateSchema === undefined) {
    const { preferenceChangeSchema } = await loadChannels();
    updateSchema = z.strictObject({
      changes: z.array(preferenceChangeSchema).min(1, 'Give at least one change').max(100),
    });
  }
  return updateSchema;
}

/**
 * `GET|POST /v1/channels/preferences/<token>`, the preference page of the person the signed
 * token names. `GET` answers the page (a form of checkboxes), or `{ profileId, preferences,
 * topics }` with `Accept: application/json`. `POST` takes the page's form, or a JSON
 * `{ changes: PreferenceChangeInput[] }`, and answers the same with the changes applied. Input is
 * checked whole first: a bad field or change is `400` with its path, and nothing changes.
 */
export async function preferenceRoute(
  request: CollectorRequest,
  token: string,
  options: ResolvedOptions,
): Promise<CollectorResponse> {
  try {
    const { service } = await serviceForToken(options, token);
    // Verifies the token before any body is read.
    const current: PreferencesBody = await service.preferencesFor(token);
    const { CHANNEL_KINDS } = await loadChannels();
    const groupsOf = (preferences: ContactPreferences) =>
      preferenceGroups(preferences, current.topics, CHANNEL_KINDS);
    const json = prefersJson(request) || (request.method === 'POST' && hasJsonBody(request));
    if (request.method === 'GET') {
      if (json) return jsonResponse(200, current, { 'cache-control': 'no-store' });
      return htmlResponse(200, preferencePage(groupsOf(current.preferences), false));
    }
    const changes = hasJsonBody(request)
      ? parseOrThrow(
          await preferenceUpdateSchema(),
          await readJson(request, 'Preference update'),
          'preference update',
        ).changes
      : formChanges(await readForm(request, 'Preference form'), groupsOf(current.preferences));
    const preferences =
      changes.length === 0 ? current.preferences : await service.updatePreferences(token, changes);
    if (json) return jsonResponse(200, { ...current, preferences }, { 'cache-control': 'no-store' });
    return htmlResponse(200, preferencePage(groupsOf(preferences), true));
  } catch (error) {
    return linkFailure(error, request, options);
  }
}
