import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** Where in the SMTP conversation a planned failure answers. */
export type SmtpStage = 'greeting' | 'mail' | 'rcpt' | 'data';

/** One message the local server accepted: parsed by mailparser, with its raw source and envelope. */
export interface ReceivedMail extends ParsedMail {
  /** The message exactly as it came over the wire (headers and body). */
  raw: string;
  /** The SMTP envelope: `MAIL FROM` and every accepted `RCPT TO`. */
  envelope: { mailFrom: string; rcptTo: string[] };
}

/** Options of {@link startLocalSmtpServer}. */
export interface LocalSmtpServerOptions {
  /** Requires `AUTH` with these credentials; without it, auth is optional and anyone may send. */
  auth?: { user: string; pass: string };
}

/** A failure planned with {@link LocalSmtpServer.failNext}. */
export interface PlannedFailure {
  /** Where it answers; default `data` (after the whole message was sent). */
  at?: SmtpStage;
  /** The reply text; default a short description of the code. */
  message?: string;
}

/** A real SMTP server on loopback, for tests and benchmarks. */
export interface LocalSmtpServer {
  readonly host: string;
  readonly port: number;
  /** Every message accepted so far, in the order the server accepted them. */
  readonly messages: ReceivedMail[];
  /** How many connections clients have opened so far. */
  readonly connections: number;
  /** The most connections that were open at the same time. */
  readonly peakConnections: number;
  /**
   * Answers the next command at `at` (default `data`) with `code` instead of accepting it. Calls
   * queue up: each planned failure answers once. A 421 also closes the connection, as real servers do.
   */
  failNext(code: number, options?: PlannedFailure): void;
  /** Refuses `RCPT TO` for this address with 550 5.1.1 (no such mailbox), for good. */
  rejectRecipient(address: string): void;
  /** Stops listening and drops the connections still open. */
  close(): Promise<void>;
}

const DEFAULT_TEXT: Record<number, string> = {
  421: 'Service not available, closing transmission channel',
  450: 'Mailbox unavailable, try again later',
  451: 'Local error in processing, try again later',
  452: 'Insufficient system storage',
  535: 'Authentication credentials invalid',
  550: 'Mailbox unavailable',
  554: 'Transaction failed: message refused',
};

const smtpError = (code: number, message?: string) =>
  Object.assign(new Error(message ?? DEFAULT_TEXT[code] ?? 'Planned failure'), { responseCode: code });

/**
 * Starts an SMTP server on `127.0.0.1` (a free port), without TLS, that parses every message it
 * accepts with mailparser's `simpleParser` and keeps it in `messages`. Tests make it fail on purpose
 * with `failNext` and `rejectRecipient`, so adapters are proved against real SMTP replies rather
 * than a mock of nodemailer.
 *
 * @example
 * ```ts
 * const server = await startLocalSmtpServer();
 * const email = smtpEmail({ from: 'shop@example.com', smtp: { host: server.host, port: server.port, secure: false } });
 * server.failNext(451); // the next message gets "451 Local error" after DATA
 * await server.close();
 * ```
 */
export async function startLocalSmtpServer(options: LocalSmtpServerOptions = {}): Promise<LocalSmtpServer> {
  const messages: ReceivedMail[] = [];
  const planned: { code: number; at: SmtpStage; message?: string }[] = [];
  const rejected = new Set<string>();
  let connections = 0;
  let open = 0;
  let peakConnections = 0;

  /** Takes the first planned failure for this stage, if any. */
  const takeFailure = (stage: SmtpStage) => {
    const index = planned.findIndex((failure) => failure.at === stage);
    if (index === -1) return undefined;
    const [failure] = planned.splice(index, 1);
    return failure && smtpError(failure.code, failure.message);
  };

  const server = new SMTPServer({
    secure: false,
    // No certificate to offer: clients must not try to upgrade the loopback connection.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    logger: false,
    // Tests close the server right after their clients; a pooled client may still hold an idle connection.
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections += 1;
      open += 1;
      peakConnections = Math.max(peakConnections, open);
      callback(takeFailure('greeting'));
    },
    onClose() {
      open -= 1;
    },
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(smtpError(535));
      }
    },
    onMailFrom(_address, _session, callback) {
      callback(takeFailure('mail'));
    },
    onRcptTo(address, _session, callback) {
      if (rejected.has(address.address.toLowerCase())) {
        callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox`));
        return;
      }
      callback(takeFailure('rcpt'));
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const failure = takeFailure('data');
        if (failure) {
          callback(failure);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            // Recorded before the 250 reply, so a client that saw its send succeed finds the message here.
            messages.push(
              Object.assign(parsed, {
                raw: raw.toString('utf8'),
                envelope: {
                  mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                  rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
                },
              }),
            );
            callback(null, 'OK: queued');
          },
          (error: Error) => callback(smtpError(554, `message could not be parsed: ${error.message}`)),
        );
      });
    },
  });

  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const { port } = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port,
    messages,
    get connections() {
      return connections;
    },
    get peakConnections() {
      return peakConnections;
    },
    failNext(code, failure = {}) {
      planned.push({
        code,
        at: failure.at ?? 'data',
        ...(failure.message ? { message: failure.message } : {}),
      });
    },
    rejectRecipient(address) {
      rejected.add(address.toLowerCase());
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A header of a received message as it was written on the wire (unfolded), or `undefined`. Use it
 * where mailparser's parsed `headers` map would hide the exact form (List-Unsubscribe).
 *
 * @example
 * ```ts
 * rawHeader(server.messages[0]!, 'List-Unsubscribe-Post'); // 'List-Unsubscribe=One-Click'
 * ```
 */
export function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((header) => header.key === name.toLowerCase())?.line;
  if (line === undefined) return undefined;
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}
