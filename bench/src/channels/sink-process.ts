import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

/*
 * The far end of the dispatch benchmarks, in its own process so it never shares an event loop with
 * what is measured: an SMTP server that reads and discards each message, and an HTTP SMS gateway
 * that answers `{ id }`. It prints its two ports as JSON, then serves until killed.
 */
let accepted = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      accepted += 1;
      callback();
    });
  },
});
await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));

let counter = 0;
const http = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    counter += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: `gw-${counter}` }));
  });
});
http.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));

const port = (server: { address(): unknown }) => (server.address() as { port: number }).port;
process.stdout.write(`${JSON.stringify({ smtp: port(smtp.server), http: port(http) })}\n`);
process.on('SIGTERM', () => {
  process.stderr.write(`sink accepted ${accepted} mails, ${counter} requests\n`);
  process.exit(0);
});
