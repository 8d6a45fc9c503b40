import { isCxError, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import type { DeviceToken, PushSubscription } from '../contract/outbound-message';

/** The collection of each profile's push subscriptions and device tokens. */
export const DEVICES_COLLECTION = 'channels.devices';

/** A profile's push endpoints, newest last. */
export interface ProfileDevices {
  webPush: { subscription: PushSubscription; addedAt: string }[];
  mobile: { device: DeviceToken; addedAt: string }[];
}

/** At most this many of each kind per profile: a person has a few browsers and phones, not hundreds. */
const MAX_PER_KIND = 10;

const keysSchema = z.object({ p256dh: z.string().min(80).max(100), auth: z.string().min(16).max(32) });
/** Push services are https; a subscription naming anything else is forged (it would aim cx at an internal host). */
const secureSubscription = z.object({ endpoint: z.url({ protocol: /^https$/ }), keys: keysSchema });
const anySubscription = z.object({ endpoint: z.url({ protocol: /^https?$/ }), keys: keysSchema });
const deviceSchema = z.object({ platform: z.enum(['fcm', 'apns']), token: z.string().min(8).max(4096) });

/** Registers and forgets push subscriptions and device tokens per profile. */
export interface DeviceRegistry {
  get(profileId: string): Promise<{ devices: ProfileDevices; version: number }>;
  /** Adds (or refreshes) a browser's subscription. */
  addPushSubscription(profileId: string, subscription: PushSubscription): Promise<void>;
  /** Adds (or refreshes) a mobile device token. */
  addDevice(profileId: string, device: DeviceToken): Promise<void>;
  /** Forgets a browser's subscription (the person turned notifications off); `false` if it was not there. */
  removePushSubscription(profileId: string, endpoint: string): Promise<boolean>;
  /** Forgets a device token (the person signed out of the app); `false` if it was not there. */
  removeDevice(profileId: string, token: string): Promise<boolean>;
  /** The document write that forgets an expired subscription or token, for the dispatcher's commit. */
  removal(
    profileId: string,
    current: { devices: ProfileDevices; version: number },
    gone: { endpoint?: string; token?: string },
  ): { collection: string; key: string; value: ProfileDevices; expectedVersion: number };
}

/** The device registry on the documents port. */
export function createDeviceRegistry(options: {
  storage: Storage;
  workspaceId: string;
  now: () => number;
  /** Accept `http:` push endpoints (a local push service in development); default false. */
  allowInsecureEndpoints?: boolean;
}): DeviceRegistry {
  const subscriptionSchema = options.allowInsecureEndpoints ? anySubscription : secureSubscription;
  const { storage, workspaceId, now } = options;
  const get = async (profileId: string) => {
    const document = await storage.documents.get<ProfileDevices>(workspaceId, DEVICES_COLLECTION, profileId);
    return document
      ? { devices: document.value, version: document.version }
      : { devices: { webPush: [], mobile: [] }, version: 0 };
  };
  const update = async (profileId: string, change: (devices: ProfileDevices) => ProfileDevices) => {
    for (let attempt = 0; ; attempt++) {
      const current = await get(profileId);
      try {
        await storage.documents.put(workspaceId, {
          collection: DEVICES_COLLECTION,
          key: profileId,
          value: change(current.devices),
          expectedVersion: current.version,
        });
        return;
      } catch (error) {
        if (!isCxError(error, 'CONFLICT') || attempt >= 4) throw error;
      }
    }
  };
  return {
    get,
    async addPushSubscription(profileId, subscription) {
      const parsed = parseOrThrow(subscriptionSchema, subscription, 'push subscription');
      const addedAt = new Date(now()).toISOString();
      await update(profileId, (devices) => ({
        ...devices,
        webPush: [
          ...devices.webPush.filter((each) => each.subscription.endpoint !== parsed.endpoint),
          { subscription: parsed, addedAt },
        ].slice(-MAX_PER_KIND),
      }));
    },
    async addDevice(profileId, device) {
      const parsed = parseOrThrow(deviceSchema, device, 'device');
      const addedAt = new Date(now()).toISOString();
      await update(profileId, (devices) => ({
        ...devices,
        mobile: [
          ...devices.mobile.filter((each) => each.device.token !== parsed.token),
          { device: parsed, addedAt },
        ].slice(-MAX_PER_KIND),
      }));
    },
    async removePushSubscription(profileId, endpoint) {
      let found = false;
      await update(profileId, (devices) => {
        const webPush = devices.webPush.filter((each) => each.subscription.endpoint !== endpoint);
        found = webPush.length < devices.webPush.length;
        return { ...devices, webPush };
      });
      return found;
    },
    async removeDevice(profileId, token) {
      let found = false;
      await update(profileId, (devices) => {
        const mobile = devices.mobile.filter((each) => each.device.token !== token);
        found = mobile.length < devices.mobile.length;
        return { ...devices, mobile };
      });
      return found;
    },
    removal(profileId, current, gone) {
      return {
        collection: DEVICES_COLLECTION,
        key: profileId,
        value: {
          webPush: current.devices.webPush.filter((each) => each.subscription.endpoint !== gone.endpoint),
          mobile: current.devices.mobile.filter((each) => each.device.token !== gone.token),
        },
        expectedVersion: current.version,
      };
    },
  };
}
