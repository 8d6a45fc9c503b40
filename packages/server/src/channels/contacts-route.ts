import type { ContactSummary } from '@cx/channels';
import { ValidationError } from '@cx/core';
import { type CollectorResponse, jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { channelsOf } from './channels-service';

/** The body of `GET /v1/profiles/<type>:<value>/contacts`. */
export interface ProfileContactsBody extends ContactSummary {
  profileId: string;
}

/** A contact-summary period: today, this week, or the last `days` local days. */
export type ContactPeriod = 'day' | 'week' | { days: number };

/** `day`, `week` (the default) or `<n>d` for the last n days (1 to 366). */
export function parseContactPeriod(value: string | null): ContactPeriod {
  if (value === null || value === 'week') return 'week';
  if (value === 'day') return 'day';
  const days = /^([1-9]\d{0,2})d$/.exec(value);
  if (days !== null && Number(days[1]) <= 366) return { days: Number(days[1]) };
  throw new ValidationError('Invalid contacts query: period: expected day, week or <n>d (1 to 366 days)', [
    { path: 'period', message: 'Expected day, week or <n>d (1 to 366 days)', code: 'invalid_value' },
  ]);
}

/**
 * `GET /v1/profiles/<type>:<value>/contacts?period=day|week|<n>d`: how many messages the person
 * got in the period, in their own time zone, by channel, topic and category.
 */
export async function profileContacts(
  options: ResolvedOptions,
  workspaceId: string,
  profileId: string,
  query: URLSearchParams,
): Promise<CollectorResponse> {
  const period = parseContactPeriod(query.get('period'));
  const service = await channelsOf(options, workspaceId);
  const summary = await service.contactSummary(profileId, period);
  return jsonResponse(200, { profileId, ...summary } satisfies ProfileContactsBody);
}

/**
 * This week's contact summary for the 360° view (`extensions.contacts`), or `undefined` where
 * channels are off: a server without them never loads `@cx/channels` for the view.
 */
export async function contactsExtension(
  options: ResolvedOptions,
  workspaceId: string,
  profileId: string,
): Promise<ContactSummary | undefined> {
  const service = await options.channels?.service(workspaceId);
  return service === undefined ? undefined : service.contactSummary(profileId, 'week');
}
