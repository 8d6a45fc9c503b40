import { generateVapidKeys, webPush } from '../../../src/adapters/web-push';
import type { OutboundMessage } from '../../../src/contract/outbound-message';
import type { ChannelHarness } from '../../../src/testing';
import { startPushService } from './local-push-service';

/** webPush wired to a local push service, for the conformance suite. */
export async function openWebPushHarness(): Promise<ChannelHarness> {
  const keys = generateVapidKeys();
  const service = await startPushService({ vapidPublicKey: keys.publicKey });
  const adapter = webPush({
    vapid: { subject: 'mailto:ops@example.com', ...keys },
    allowInsecureEndpoints: true,
  });
  const message = (id: string, subscription = service.subscribe()): OutboundMessage => ({
    id,
    channel: 'web-push',
    category: 'transactional',
    to: { profileId: 'p-1', pushSubscription: subscription },
    content: { title: 'Your order shipped', text: 'It arrives on Friday', url: 'https://shop.example/o/1' },
    push: { ttl: 3600, urgency: 'normal' },
  });
  return {
    adapter,
    message: (id) => message(id),
    delivered: async () => service.received.map((push) => push.payload.id as string),
    failNext: (failure) =>
      failure === 'unavailable' ? service.failNext(503, { 'retry-after': '5' }) : service.failNext(400),
    unreachable: (id) => {
      const subscription = service.subscribe();
      service.retire(subscription);
      return message(id, subscription);
    },
    close: () => service.close(),
  };
}
