import { isCxError, ManualClock, memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createDeviceRegistry, resolveRecipient } from '../../src';

const keys = {
  p256dh: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
};

function registry(allowInsecureEndpoints = false) {
  const clock = new ManualClock('2026-03-02T00:00:00Z');
  const storage = memoryStorage({ clock });
  return {
    storage,
    devices: createDeviceRegistry({
      storage,
      workspaceId: 'shop',
      now: () => clock.now(),
      allowInsecureEndpoints,
    }),
  };
}

describe('the device registry', () => {
  it('keeps the newest subscription last, refreshes a known one, and forgets one on request', async () => {
    const { devices } = registry();
    await devices.addPushSubscription('p1', { endpoint: 'https://push.example/a', keys });
    await devices.addPushSubscription('p1', { endpoint: 'https://push.example/b', keys });
    await devices.addPushSubscription('p1', { endpoint: 'https://push.example/a', keys });
    expect((await devices.get('p1')).devices.webPush.map((each) => each.subscription.endpoint)).toEqual([
      'https://push.example/b',
      'https://push.example/a',
    ]);
    expect(await devices.removePushSubscription('p1', 'https://push.example/a')).toBe(true);
    expect(await devices.removePushSubscription('p1', 'https://push.example/a')).toBe(false);
    await devices.addDevice('p1', { platform: 'apns', token: 'a'.repeat(64) });
    expect(await devices.removeDevice('p1', 'a'.repeat(64))).toBe(true);
    expect((await devices.get('p1')).devices).toMatchObject({ webPush: [{}], mobile: [] });
  });

  it('refuses forged subscriptions (not https, bad keys) and bad devices, storing nothing', async () => {
    const { devices, storage } = registry();
    for (const bad of [
      { endpoint: 'http://10.0.0.1/internal', keys },
      { endpoint: 'https://push.example/a', keys: { p256dh: 'short', auth: keys.auth } },
      { endpoint: 'not a url', keys },
    ]) {
      const error = await devices.addPushSubscription('p1', bad).catch((caught: unknown) => caught);
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
    await expect(
      devices.addDevice('p1', { platform: 'blackberry', token: 'x'.repeat(20) } as never),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect((await storage.documents.list('shop', 'channels.devices')).items).toEqual([]);
  });

  it('accepts a local http push service only when told to', async () => {
    const { devices } = registry(true);
    await devices.addPushSubscription('p1', { endpoint: 'http://127.0.0.1:9000/push/1', keys });
    expect((await devices.get('p1')).devices.webPush).toHaveLength(1);
  });
});

describe('resolveRecipient', () => {
  const profile = {
    id: 'p1',
    identifiers: [{ type: 'email', value: 'id@example.com' }],
    traits: {
      phone: '+84912345678',
      timezone: 'Asia/Ho_Chi_Minh',
      locale: 'vi-VN',
      workEmail: 'w@example.com',
    },
    mergedInto: null,
    createdAt: '',
    updatedAt: '',
    version: 1,
  };
  it("reads each channel's address from traits, then identifiers, with the person's locale and zone", () => {
    expect(resolveRecipient(profile, undefined, 'email')).toEqual({
      profileId: 'p1',
      email: 'id@example.com',
      timezone: 'Asia/Ho_Chi_Minh',
      locale: 'vi-VN',
    });
    expect(resolveRecipient(profile, undefined, 'email', { email: 'workEmail' })?.email).toBe(
      'w@example.com',
    );
    expect(resolveRecipient(profile, undefined, 'zns')?.phone).toBe('+84912345678');
    expect(resolveRecipient(profile, { webPush: [], mobile: [] }, 'web-push')).toBeNull();
    expect(resolveRecipient(profile, undefined, 'in-app')).toMatchObject({ profileId: 'p1' });
  });
});
