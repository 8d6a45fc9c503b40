import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Channels } from '@cx/channels';
import type { Inbox } from '@cx/channels/in-app';
import { ConfigError, type Storage } from '@cx/core';
import { createIdentity } from '@cx/identity';
import type { Journeys } from '@cx/journey';
import type { SegmentEngine } from '@cx/segments';
import { createCollectionHandler } from '@cx/server';
import type { OpenedChannels } from '../channels/open-channels';
import { openStorage } from '../storage/open-storage';
import { type CliIo, EXIT } from './cli-io';
import { IDENTITY_FLAGS, identityConfigOf } from './identity-flags';
import { describeAccess, KEY_FLAGS, workspaceKeysOf } from './key-flags';
import { integerFlag, parseFlags } from './parse-flags';
import { SERVE_USAGE } from './usage';

/** `cx serve`: listens until `io.signal` aborts, then closes the server and the storage. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    storage: { type: 'string' },
    ...KEY_FLAGS,
    workspace: { type: 'string' },
    segments: { type: 'boolean' },
    channels: { type: 'string' },
    journeys: { type: 'string' },
    'rate-limit': { type: 'string' },
    ...IDENTITY_FLAGS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(SERVE_USAGE);
    return EXIT.ok;
  }
  const port = integerFlag(values.port, 'port', 8080, 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  const rate = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (rate !== undefined && !(rate > 0)) throw new ConfigError('--rate-limit must be a positive number');
  const keys = workspaceKeysOf(values, io.env, values.workspace ?? 'default');
  const { workspaceId } = keys;

  const opened = await openStorage(values.storage ?? 'memory', {
    onConnectionError: (error) =>
      io.stderr.write(`cx serve: database connection lost (${error.message}); it reconnects on next use\n`),
  });
  let engine: SegmentEngine | undefined;
  let messaging: (OpenedChannels & { inbox: Inbox; stopDispatcher(): Promise<void> }) | undefined;
  let journeys: Journeys | undefined;
  try {
    const identity = createIdentity({ storage: opened.storage, config: identityConfigOf(values, io.env) });
    if (values.segments) {
      // Loaded only for --segments, as storage drivers load only for their --storage.
      const { createSegmentEngine } = await import('@cx/segments');
      engine = createSegmentEngine({
        storage: opened.storage,
        workspaceId,
        clock: io.clock,
        onError: (error) =>
          io.stderr.write(
            `cx serve: segments: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
          ),
      });
    }
    if (values.journeys !== undefined && values.channels === undefined) {
      throw new ConfigError(
        '--journeys needs --channels: journeys send their messages through the channels config',
      );
    }
    if (values.channels !== undefined) {
      messaging = await startMessaging(values.channels, opened.storage, workspaceId, io);
    }
    if (values.journeys !== undefined && messaging !== undefined) {
      journeys = await startJourneys(
        values.journeys,
        opened.storage,
        workspaceId,
        messaging.channels,
        engine,
        io,
      );
    }
    const handler = createCollectionHandler({
      identity,
      workspaces: [keys],
      ...(rate === undefined ? {} : { rateLimit: { requestsPerSecond: rate } }),
      clock: io.clock,
      work: opened.storage.work,
      ...(engine === undefined
        ? {}
        : { segments: { engine: (id: string) => (id === workspaceId ? engine : undefined) } }),
      ...(messaging === undefined
        ? {}
        : {
            channels: {
              service: (id: string) => (id === workspaceId ? messaging?.channels : undefined),
              inbox: (id: string) => (id === workspaceId ? messaging?.inbox : undefined),
            },
          }),
      onError: (error) =>
        io.stderr.write(
          `cx serve: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        ),
    });
    const server = createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    // Saved segments go live, and memberships follow new events, while the server runs.
    engine?.start();
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    io.stdout.write(
      `cx serve: listening on http://${shown}:${address.port} (workspace ${workspaceId}, storage ${opened.description})\n`,
    );
    for (const line of describeAccess(keys)) io.stdout.write(`cx serve: ${line}\n`);
    if (engine !== undefined) {
      io.stdout.write('cx serve: segment engine running; the segment API (/v1/segments) is on\n');
    }
    if (journeys !== undefined) {
      io.stdout.write('cx serve: journey workers running (entries, timers, message outcomes)\n');
    }
    if (messaging !== undefined) {
      const routes = [...messaging.channels.routes.keys()].join(', ') || 'none';
      io.stdout.write(
        `cx serve: outbox dispatcher running (channels: ${routes}); /v1/channels and /v1/me are on\n`,
      );
    }
    if (!io.signal.aborted)
      await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }));
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    io.stdout.write('cx serve: stopped\n');
    return EXIT.ok;
  } finally {
    await journeys?.stop();
    await messaging?.stopDispatcher();
    await messaging?.close();
    await engine?.stop();
    await opened.close();
  }
}

/**
 * Opens the channels config of `--channels`, starts the outbox dispatcher and opens the in-app
 * inbox, so the server answers unsubscribe, preference, tracking, webhook and `/v1/me` requests
 * and queued messages go out while it runs.
 */
async function startMessaging(file: string, storage: Storage, workspaceId: string, io: CliIo) {
  // Loaded only for --channels, as storage drivers load only for their --storage.
  const [{ readChannelsConfig }, { openChannels }, { createInbox }] = await Promise.all([
    import('../channels/read-channels-config'),
    import('../channels/open-channels'),
    import('@cx/channels/in-app'),
  ]);
  const loaded = await readChannelsConfig(file, { env: io.env });
  const opened = await openChannels({ storage, workspaceId, clock: io.clock, loaded });
  const dispatcher = opened.channels.dispatcher({
    onError: (error) =>
      io.stderr.write(
        `cx serve: outbox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      ),
  });
  dispatcher.start();
  return {
    ...opened,
    inbox: createInbox({ storage, workspaceId, clock: io.clock }),
    stopDispatcher: () => dispatcher.stop(),
  };
}

/** Whether a journey definition (not yet validated) is entered on a schedule. */
const enteredOnSchedule = (definition: unknown) =>
  typeof definition === 'object' &&
  definition !== null &&
  (definition as { entry?: { type?: unknown } }).entry?.type === 'schedule';

/**
 * Publishes the journeys of `--journeys` (a JSON file holding one definition or an array; a
 * version is made only when a definition changed since the last start) and starts their workers:
 * the event consumer that admits people and feeds their instances, and the timer worker.
 */
async function startJourneys(
  file: string,
  storage: Storage,
  workspaceId: string,
  channels: Channels,
  engine: SegmentEngine | undefined,
  io: CliIo,
): Promise<Journeys> {
  const [{ readFile }, { createJourneys }] = await Promise.all([
    import('node:fs/promises'),
    import('@cx/journey'),
  ]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the journeys file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const journeys = createJourneys({
    storage,
    workspaceId,
    clock: io.clock,
    channels,
    ...(engine === undefined
      ? {}
      : {
          segmentsOf: async (profileId: string) =>
            (await engine.segmentsOf(profileId)).map((each) => each.segmentId),
          // Schedule-entry journeys plan from the segment's members now, as its history holds them.
          segmentMembers: async (segmentId: string) =>
            (await import('@cx/segments')).membersAt(storage, workspaceId, segmentId, io.clock.now()),
        }),
    // Calls of webhook nodes are signed when a secret is in the environment.
    ...(io.env.CX_JOURNEY_WEBHOOK_SECRET ? { webhooks: { secret: io.env.CX_JOURNEY_WEBHOOK_SECRET } } : {}),
    onError: (error) =>
      io.stderr.write(
        `cx serve: journeys: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      ),
  });
  for (const definition of Array.isArray(parsed) ? parsed : [parsed]) {
    if (engine === undefined && enteredOnSchedule(definition)) {
      throw new ConfigError(
        `the journeys file ${file}: journey ${String((definition as { id?: unknown }).id)} is entered on a schedule, for the members of a segment: run cx serve with --segments`,
      );
    }
    try {
      const { id, version } = await journeys.publish(definition, { ifChanged: true });
      io.stdout.write(`cx serve: journey ${id} v${version}\n`);
    } catch (error) {
      throw new ConfigError(`the journeys file ${file} is invalid: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  journeys.start();
  return journeys;
}
