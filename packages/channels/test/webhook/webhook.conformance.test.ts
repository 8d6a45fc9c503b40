import { signWebhookBody, webhookChannel } from '../../src/adapters/webhook';
import { runChannelConformance } from '../../src/testing';
import { startLocalWebhookReceiver } from './local-webhook-receiver';

const secret = 'whsec-conformance-0123456789abcdef01234567';

const report = (id: string, signedWith: string) => {
  const body = JSON.stringify({ id, status: 'delivered', at: new Date().toISOString() });
  return {
    method: 'POST',
    url: 'https://cx.example.com/webhooks/delivery',
    headers: { 'x-cx-signature': signWebhookBody(signedWith, body, Math.floor(Date.now() / 1000)) },
    body,
  };
};

runChannelConformance({
  name: 'webhook',
  async open() {
    const receiver = await startLocalWebhookReceiver({ secret });
    const adapter = webhookChannel({ secret, url: receiver.url });
    return {
      adapter,
      message: (id) => ({
        id,
        channel: 'webhook',
        category: 'transactional',
        to: { profileId: 'conf-profile' },
        content: { title: 'Hello', text: 'A conformance message', data: { n: 1 } },
      }),
      delivered: async () => receiver.delivered(),
      failNext: (failure) => receiver.failNext(failure),
      unreachable: (id) => ({
        id,
        channel: 'webhook',
        category: 'transactional',
        to: { profileId: 'conf-profile', url: `${receiver.url}/gone` },
        content: { text: 'To an endpoint that was removed' },
      }),
      webhook: {
        valid: (providerMessageId) => report(providerMessageId, secret),
        forged: (providerMessageId) => report(providerMessageId, 'forger-0123456789abcdef0123456789abcdef'),
      },
      close: () => receiver.close(),
    };
  },
});
