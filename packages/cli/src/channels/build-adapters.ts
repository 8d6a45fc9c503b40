import type { ChannelAdapter, TrackingLinks } from '@cx/channels';
import { createInbox, inAppChannel } from '@cx/channels/in-app';
import { apnsPush, fcmPush, type GoogleServiceAccount } from '@cx/channels/mobile-push';
import { httpSms, twilioSms } from '@cx/channels/sms';
import { webPush } from '@cx/channels/web-push';
import { webhookChannel } from '@cx/channels/webhook';
import { zaloZns } from '@cx/channels/zalo';
import { type Clock, ConfigError, isCxError, type Storage } from '@cx/core';
import type { AdapterConfig, AdapterConfigOf, AdapterType } from './channels-config';

/** What adapters are built with besides their own entry. */
export interface AdapterContext {
  storage: Storage;
  workspaceId: string;
  clock: Clock;
  /** The signed open and click links, when the config has `links`; email tracking needs them. */
  tracking: TrackingLinks | undefined;
}

type Build<T extends AdapterType> = (
  entry: AdapterConfigOf<T>,
  context: AdapterContext,
) => ChannelAdapter | Promise<ChannelAdapter>;

/** Leaves out the keys whose value is `undefined`: the factories' strict schemas refuse them. */
function defined<T extends Record<string, unknown>>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as T;
}

/** The entry without its `type`, which no factory knows. */
function optionsOf<T extends { type: string }>(entry: T): Omit<T, 'type'> {
  const { type: _type, ...options } = entry;
  return options;
}

const smtp: Build<'smtp'> = async (entry, context) => {
  // nodemailer loads only when an email adapter is configured.
  const { smtpEmail } = await import('@cx/channels/email');
  const { tracking, ...options } = optionsOf(entry);
  if (tracking !== undefined && tracking !== false && context.tracking === undefined) {
    throw new ConfigError('tracking: needs "links" (baseUrl and secret) in the channels config');
  }
  const switches = typeof tracking === 'object' ? tracking : {};
  return smtpEmail(
    defined({
      ...options,
      smtp: defined(options.smtp),
      tracking:
        tracking === undefined || tracking === false || context.tracking === undefined
          ? undefined
          : defined({ links: context.tracking, opens: switches.opens, clicks: switches.clicks }),
    }),
  );
};

const twilio: Build<'twilio'> = (entry, context) =>
  twilioSms(defined({ ...optionsOf(entry), clock: context.clock }));

const httpSmsAdapter: Build<'http-sms'> = (entry, context) =>
  httpSms(defined({ ...optionsOf(entry), clock: context.clock }));

const zns: Build<'zns'> = (entry, context) =>
  // A token refresh hook is code, not config: from the CLI an expired token (-124) is a rejection.
  zaloZns(defined({ ...optionsOf(entry), clock: context.clock }));

const webPushAdapter: Build<'web-push'> = (entry, context) =>
  // Expired subscriptions are removed from the device registry by the dispatcher itself.
  webPush(defined({ ...optionsOf(entry), clock: context.clock }));

const fcm: Build<'fcm'> = (entry, context) => {
  let serviceAccount: GoogleServiceAccount;
  try {
    serviceAccount = JSON.parse(entry.serviceAccount) as GoogleServiceAccount;
  } catch (error) {
    throw new ConfigError('serviceAccount: is not the JSON of a service account key file', { cause: error });
  }
  return fcmPush(defined({ ...optionsOf(entry), serviceAccount, clock: context.clock }));
};

const apns: Build<'apns'> = (entry, context) =>
  apnsPush(defined({ ...optionsOf(entry), clock: context.clock }));

const webhook: Build<'webhook'> = (entry, context) =>
  webhookChannel(defined({ ...optionsOf(entry), clock: context.clock }));

const inApp: Build<'in-app'> = (entry, context) =>
  inAppChannel(
    defined({
      inbox: createInbox({
        storage: context.storage,
        workspaceId: context.workspaceId,
        clock: context.clock,
      }),
      id: entry.id,
    }),
  );

/** One builder per adapter type: adding a type adds one entry here and one schema. */
const BUILDERS: { [T in AdapterType]: Build<T> } = {
  smtp,
  twilio,
  'http-sms': httpSmsAdapter,
  zns,
  'web-push': webPushAdapter,
  fcm,
  apns,
  webhook,
  'in-app': inApp,
};

/**
 * Makes the adapters a channels config lists, in its order (the failover order within a
 * channel). An adapter's factory checks its options; its `ConfigError` is given back prefixed
 * with the entry's path, such as `adapters[1] (http-sms): httpSms options: url: Invalid URL`.
 *
 * @example
 * ```ts
 * const adapters = await buildAdapters(config.adapters, { storage, workspaceId: 'acme', clock: systemClock, tracking: undefined });
 * ```
 */
export async function buildAdapters(
  entries: readonly AdapterConfig[],
  context: AdapterContext,
): Promise<ChannelAdapter[]> {
  const adapters: ChannelAdapter[] = [];
  for (const [index, entry] of entries.entries()) {
    try {
      const build = BUILDERS[entry.type] as Build<AdapterType>;
      adapters.push(await build(entry, context));
    } catch (error) {
      if (!isCxError(error, 'CONFIG') && !isCxError(error, 'VALIDATION')) throw error;
      // Adapters built so far may hold pools; the caller never sees them.
      await Promise.allSettled(adapters.map((adapter) => adapter.close?.()));
      throw new ConfigError(`adapters[${index}] (${entry.type}): ${error.message}`, { cause: error });
    }
  }
  return adapters;
}
