import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email the local server accepted, as mailparser read it. */
export interface ReceivedEmail {
  to: string[];
  subject: string;
  text: string;
  listUnsubscribe: boolean;
}

/** The demo's own mail server: what `smtpEmail` talks to, and what the report counts. */
export interface LocalSmtp {
  host: string;
  port: number;
  received: ReceivedEmail[];
  close(): Promise<void>;
}

/**
 * Starts a plain SMTP server on a free loopback port that accepts every message and keeps it,
 * parsed, in `received`. A message is recorded before the server answers 250, so a send the
 * dispatcher saw succeed is always in the list.
 */
export async function startLocalSmtp(): Promise<LocalSmtp> {
  const received: ReceivedEmail[] = [];
  const server = new SMTPServer({
    secure: false,
    // Loopback without a certificate: nothing to upgrade to, nobody to authenticate.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    closeTimeout: 200,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            // mailparser folds List-* headers into one `list` header; the raw lines keep them.
            listUnsubscribe: mail.headerLines.some((header) => header.key === 'list-unsubscribe'),
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
