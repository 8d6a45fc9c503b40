import { smtpEmail } from '../../src/adapters/email';
import { runChannelConformance } from '../../src/testing';
import { transactionalEmail } from './email-messages';
import { startLocalSmtpServer } from './local-smtp-server';

const UNREACHABLE = 'no-such-mailbox@example.com';

runChannelConformance({
  name: 'smtp',
  open: async () => {
    const server = await startLocalSmtpServer();
    server.rejectRecipient(UNREACHABLE);
    const adapter = smtpEmail({
      from: 'Cửa hàng Lan <news@shop.vn>',
      smtp: { host: server.host, port: server.port, secure: false, maxConnections: 2 },
      messageIdDomain: 'mail.shop.vn',
    });
    return {
      adapter,
      message: (id) => transactionalEmail(id),
      // What the server accepted, by the cx id each message carried in X-Cx-Message-Id.
      delivered: async () => server.messages.map((mail) => String(mail.headers.get('x-cx-message-id'))),
      failNext: (kind) => server.failNext(kind === 'unavailable' ? 451 : 554),
      unreachable: (id) => transactionalEmail(id, { to: { profileId: 'profile-gone', email: UNREACHABLE } }),
      close: async () => {
        await adapter.close?.();
        await server.close();
      },
    };
  },
});
