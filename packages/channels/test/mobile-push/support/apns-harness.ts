import { createHash } from 'node:crypto';
import { apnsPush } from '../../../src/adapters/mobile-push';
import type { OutboundMessage } from '../../../src/contract/outbound-message';
import type { ChannelHarness } from '../../../src/testing';
import { startLocalApns } from './local-apns';

/** A 64-hex-digit device token, as iOS hands them out, made from a label. */
export const deviceToken = (label: string) => createHash('sha256').update(label).digest('hex');

/** apnsPush wired to a local h2c APNs, for the conformance suite. */
export async function openApnsHarness(): Promise<ChannelHarness> {
  const apns = await startLocalApns();
  const adapter = apnsPush({
    teamId: apns.teamId,
    keyId: apns.keyId,
    signingKey: apns.signingKey,
    topic: apns.topic,
    origin: apns.origin,
  });
  const message = (id: string, token = deviceToken(id)): OutboundMessage => ({
    id,
    channel: 'mobile-push',
    category: 'transactional',
    to: { profileId: 'p-1', device: { platform: 'apns', token } },
    content: { title: 'Your order shipped', text: 'It arrives on Friday' },
  });
  return {
    adapter,
    message,
    delivered: async () => apns.received.map((each) => each.payload.cxMessageId as string),
    failNext: (failure) =>
      failure === 'unavailable'
        ? apns.failNext(503, 'ServiceUnavailable')
        : apns.failNext(400, 'BadCollapseId'),
    unreachable: (id) => {
      apns.unregister(deviceToken(`gone-${id}`));
      return message(id, deviceToken(`gone-${id}`));
    },
    close: async () => {
      await adapter.close?.();
      await apns.close();
    },
  };
}
