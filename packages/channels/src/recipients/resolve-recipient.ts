import type { ProfileRecord } from '@cx/core';
import type { ChannelKind } from '../contract/channel-kind';
import type { Recipient } from '../contract/outbound-message';
import type { ProfileDevices } from './device-registry';

/** Where on a profile each address is read from. */
export interface RecipientTraits {
  /** Default `email`. */
  email?: string;
  /** Default `phone`; must hold E.164 (`+84…`). */
  phone?: string;
  /** Default `timezone`. */
  timezone?: string;
  /** Default `locale`. */
  locale?: string;
  /** Default `webhookUrl`. */
  url?: string;
}

const text = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/** The profile's identifier of a type, for addresses kept as identifiers rather than traits. */
const identifier = (profile: ProfileRecord, type: string) =>
  profile.identifiers.find((each) => each.type === type)?.value;

/**
 * The locale and time zone a profile's traits give (under the `names` configured), or the
 * defaults: what templates render with, and where caps and quiet hours are counted.
 *
 * @example
 * ```ts
 * personSettings(profile, {}, { locale: 'vi-VN', timezone: 'Asia/Ho_Chi_Minh' });
 * // { locale: 'en-US', timezone: 'America/New_York' } for a profile whose traits say so
 * ```
 */
export function personSettings(
  profile: Pick<ProfileRecord, 'traits'>,
  names: RecipientTraits,
  defaults: { locale: string; timezone: string },
): { locale: string; timezone: string } {
  return {
    locale: text(profile.traits[names.locale ?? 'locale']) ?? defaults.locale,
    timezone: text(profile.traits[names.timezone ?? 'timezone']) ?? defaults.timezone,
  };
}

/**
 * The recipient of a message on `channel`: the profile's address for that channel (a trait, else
 * an identifier of the same type), its newest push subscription or device, its locale and time
 * zone. `null` when the profile has no address for the channel (the fallback channel takes over).
 */
export function resolveRecipient(
  profile: ProfileRecord,
  devices: ProfileDevices | undefined,
  channel: ChannelKind,
  names: RecipientTraits = {},
): Recipient | null {
  const traits = profile.traits;
  const base: Recipient = { profileId: profile.id };
  const timezone = text(traits[names.timezone ?? 'timezone']);
  const locale = text(traits[names.locale ?? 'locale']);
  if (timezone) base.timezone = timezone;
  if (locale) base.locale = locale;
  switch (channel) {
    case 'email': {
      const email = text(traits[names.email ?? 'email']) ?? identifier(profile, 'email');
      return email ? { ...base, email } : null;
    }
    case 'sms':
    case 'zns': {
      const phone = text(traits[names.phone ?? 'phone']) ?? identifier(profile, 'phone');
      return phone ? { ...base, phone } : null;
    }
    case 'web-push': {
      const newest = devices?.webPush.at(-1);
      return newest ? { ...base, pushSubscription: newest.subscription } : null;
    }
    case 'mobile-push': {
      const newest = devices?.mobile.at(-1);
      return newest ? { ...base, device: newest.device } : null;
    }
    case 'webhook': {
      const url = text(traits[names.url ?? 'webhookUrl']);
      return url ? { ...base, url } : base;
    }
    case 'in-app':
      return base;
  }
}
