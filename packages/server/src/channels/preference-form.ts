import type { ChannelKind, ContactPreferences, PreferenceChangeInput, SubscriptionTopic } from '@cx/channels';
import { ValidationError, type ValidationIssue } from '@cx/core';
import { channelName } from './html-pages';

/** One checkbox of the preference page, and the change it makes when it is flipped. */
export interface PreferenceField {
  /** The form field's name: `topic:<id>:<channel>`, `topic:<id>`, `channel:<channel>` or `all`. */
  name: string;
  label: string;
  checked: boolean;
  /** The change when the box goes from unchecked to checked. */
  check: PreferenceChangeInput;
  /** The change when the box goes from checked to unchecked. */
  uncheck: PreferenceChangeInput;
}

/** A titled group of checkboxes: one topic, the channels, or everything. */
export interface PreferenceGroup {
  title: string;
  description?: string;
  fields: PreferenceField[];
}

/**
 * The checkboxes of a person's preference page, from their preferences now: each topic on each of
 * its channels (one box for a topic on every channel), marketing per channel (the channels the
 * topics name or the person has a choice on), and unsubscribe from all. The page and the form's
 * `POST` both read this, so a box always means the same change.
 *
 * @param allChannels Every channel kind (`CHANNEL_KINDS`), where a topic names none.
 */
export function preferenceGroups(
  preferences: ContactPreferences,
  topics: readonly SubscriptionTopic[],
  allChannels: readonly ChannelKind[],
): PreferenceGroup[] {
  const joined = (topic: SubscriptionTopic, channel: ChannelKind) =>
    preferences.channels[channel]?.topics?.[topic.id] ?? !topic.optIn;
  const groups: PreferenceGroup[] = topics.map((topic) => ({
    title: topic.name,
    ...(topic.description === undefined ? {} : { description: topic.description }),
    fields:
      topic.channels === undefined
        ? [
            {
              name: `topic:${topic.id}`,
              label: 'On every channel',
              checked: allChannels.every((channel) => joined(topic, channel)),
              check: { op: 'subscribe', topic: topic.id },
              uncheck: { op: 'unsubscribe', topic: topic.id },
            },
          ]
        : topic.channels.map((channel) => ({
            name: `topic:${topic.id}:${channel}`,
            label: `By ${channelName(channel)}`,
            checked: joined(topic, channel),
            check: { op: 'subscribe', channel, topic: topic.id },
            uncheck: { op: 'unsubscribe', channel, topic: topic.id },
          })),
  }));
  const known = new Set<ChannelKind>([
    ...topics.flatMap((topic) => topic.channels ?? []),
    ...(Object.keys(preferences.channels) as ChannelKind[]),
  ]);
  const channels = allChannels.filter((channel) => known.has(channel));
  if (channels.length > 0) {
    groups.push({
      title: 'Marketing by channel',
      fields: channels.map((channel) => ({
        name: `channel:${channel}`,
        label: `Marketing by ${channelName(channel)}`,
        checked: preferences.channels[channel]?.unsubscribed === undefined,
        check: { op: 'subscribe', channel },
        uncheck: { op: 'unsubscribe', channel },
      })),
    });
  }
  groups.push({
    title: 'Everything',
    fields: [
      {
        name: 'all',
        label: 'Unsubscribe from all marketing',
        checked: preferences.unsubscribedAll !== undefined,
        check: { op: 'unsubscribe' },
        uncheck: { op: 'subscribe' },
      },
    ],
  });
  return groups;
}

const FIELD_NAME = /^(?:topic:|channel:|all$)/;

/**
 * The changes a submitted preference form asks for: each box whose submitted value differs from
 * the preferences now. A box is sent as a hidden `0` followed, when it is ticked, by its `1`, so
 * the last value of a name is the box's state and an unticked box is still seen. Fields of other
 * names (the submit button) are ignored; a box the page does not have, or a value other than
 * `0`/`1`, is a `ValidationError` naming the field, and then nothing changes.
 */
export function formChanges(
  fields: URLSearchParams,
  groups: readonly PreferenceGroup[],
): PreferenceChangeInput[] {
  const byName = new Map(groups.flatMap((group) => group.fields).map((field) => [field.name, field]));
  const issues: ValidationIssue[] = [];
  const changes: PreferenceChangeInput[] = [];
  for (const name of new Set(fields.keys())) {
    if (!FIELD_NAME.test(name)) continue;
    const field = byName.get(name);
    const value = fields.getAll(name).at(-1);
    if (field === undefined) {
      issues.push({ path: name, message: 'No such choice on this page', code: 'unknown_field' });
    } else if (value !== '0' && value !== '1') {
      issues.push({ path: name, message: 'Expected 0 or 1', code: 'invalid_value' });
    } else if ((value === '1') !== field.checked) {
      changes.push(value === '1' ? field.check : field.uncheck);
    }
  }
  if (issues.length > 0) {
    const summary = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    throw new ValidationError(`Invalid preference form: ${summary}`, issues);
  }
  return changes;
}
