import { fcmPush } from '../../../src/adapters/mobile-push';
import type { OutboundMessage } from '../../../src/contract/outbound-message';
import type { ChannelHarness } from '../../../src/testing';
import { fcmErrorBody, startLocalFcm } from './local-fcm';

/** fcmPush wired to a local FCM and token endpoint, for the conformance suite. */
export async function openFcmHarness(): Promise<ChannelHarness> {
  const fcm = await startLocalFcm();
  const adapter = fcmPush({ serviceAccount: fcm.serviceAccount, baseUrl: fcm.origin });
  const message = (id: string, token = `device-${id}`): OutboundMessage => ({
    id,
    channel: 'mobile-push',
    category: 'transactional',
    to: { profileId: 'p-1', device: { platform: 'fcm', token } },
    content: { title: 'Your order shipped', text: 'It arrives on Friday' },
  });
  return {
    adapter,
    message,
    delivered: async () => fcm.received.map((each) => each.message.data?.cxMessageId as string),
    failNext: (failure) =>
      failure === 'unavailable'
        ? fcm.failNext(503, fcmErrorBody(503, 'UNAVAILABLE', 'The service is currently unavailable.'), {
            'retry-after': '10',
          })
        : fcm.failNext(
            400,
            fcmErrorBody(
              400,
              'INVALID_ARGUMENT',
              'Invalid value at message.android.ttl',
              'INVALID_ARGUMENT',
              'message.android.ttl',
            ),
          ),
    unreachable: (id) => {
      fcm.unregister(`gone-${id}`);
      return message(id, `gone-${id}`);
    },
    close: () => fcm.close(),
  };
}
