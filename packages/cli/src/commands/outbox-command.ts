import type { Channels } from '@cx/channels';
import { ConfigError, ConflictError, isCxError, NotFoundError } from '@cx/core';
import { messageReport } from '../channels/message-report';
import { openChannels } from '../channels/open-channels';
import { readChannelsConfig } from '../channels/read-channels-config';
import { STORE_FLAGS, storeOf } from '../channels/store-flags';
import { openStorage } from '../storage/open-storage';
import { type CliIo, EXIT } from './cli-io';
import { integerFlag, parseFlags } from './parse-flags';
import { textTable } from './text-table';
import { OUTBOX_USAGE } from './usage';

const COMMON_FLAGS = {
  ...STORE_FLAGS,
  channels: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags each subcommand takes besides the common ones, and whether it takes a message id. */
const SUBCOMMANDS = {
  stats: { flags: {}, id: false },
  dead: { flags: { limit: { type: 'string' }, cursor: { type: 'string' } }, id: false },
  retry: { flags: {}, id: true },
  show: { flags: {}, id: true },
  run: { flags: { 'until-empty': { type: 'boolean' }, 'batch-size': { type: 'string' } }, id: false },
} as const;
type Subcommand = keyof typeof SUBCOMMANDS;

/** Parsed flag values by name. */
type Flags = Record<string, string | boolean | undefined>;

/** What a subcommand gets. */
interface Context {
  io: CliIo;
  channels: Channels;
  workspaceId: string;
  values: Flags;
  id: string;
  json: boolean;
}

const stringFlag = (values: Flags, name: string) => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * `cx outbox [stats|dead|retry|show|run]`: the outbox of one workspace for operators. Only `run`
 * sends, so only `run` reads the channels config; the others work on the store alone.
 */
export async function outboxCommand(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'help') {
    io.stdout.write(OUTBOX_USAGE);
    return EXIT.ok;
  }
  // `cx outbox --db cx.db` is `cx outbox stats --db cx.db`.
  const named = first !== undefined && !first.startsWith('-');
  if (named && !Object.hasOwn(SUBCOMMANDS, first)) {
    throw new ConfigError(`unknown subcommand "${first}": use ${Object.keys(SUBCOMMANDS).join(', ')}`);
  }
  const sub: Subcommand = named ? (first as Subcommand) : 'stats';
  const extra: Record<string, { type: 'string' | 'boolean' }> = SUBCOMMANDS[sub].flags;
  const parsed = parseFlags(named ? rest : argv, { ...COMMON_FLAGS, ...extra });
  const values = parsed.values as Flags;
  if (values.help) {
    io.stdout.write(OUTBOX_USAGE);
    return EXIT.ok;
  }
  const wanted = SUBCOMMANDS[sub].id ? 1 : 0;
  if (parsed.positionals.length !== wanted) {
    throw new ConfigError(
      wanted === 1 ? `cx outbox ${sub} takes a message id` : `cx outbox ${sub} takes no arguments`,
    );
  }
  const store = storeOf(values as { db?: string; storage?: string; workspace?: string });
  const loaded =
    sub === 'run' ? await readChannelsConfig(stringFlag(values, 'channels'), { env: io.env }) : null;
  if (sub === 'run' && loaded === null) {
    throw new ConfigError('cx outbox run sends: give --channels <file> or create ./cx.channels.json');
  }

  const opened = await openStorage(store.spec, {
    onConnectionError: (error) =>
      io.stderr.write(`cx outbox: database connection lost (${error.message}); it reconnects on next use\n`),
  });
  try {
    const service = await openChannels({
      storage: opened.storage,
      workspaceId: store.workspaceId,
      clock: io.clock,
      loaded,
    });
    try {
      return await RUN[sub]({
        io,
        channels: service.channels,
        workspaceId: store.workspaceId,
        values,
        id: parsed.positionals[0] ?? '',
        json: values.json === true,
      });
    } finally {
      await service.close();
    }
  } finally {
    await opened.close();
  }
}

const RUN: Record<Subcommand, (context: Context) => Promise<number>> = {
  async stats({ io, channels, workspaceId, json }) {
    const stats = await channels.outbox.stats();
    if (json) {
      io.stdout.write(`${JSON.stringify(stats)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(`outbox of workspace ${workspaceId}:\n`);
    io.stdout.write(
      textTable(
        [
          ['  scheduled', String(stats.scheduled)],
          ['  due', String(stats.due)],
          ['  claimed', String(stats.claimed)],
          ['  dead', String(stats.dead)],
          ['  oldest due', stats.oldestDueAt ?? '-'],
        ],
        new Set([1]),
      ),
    );
    return EXIT.ok;
  },

  async dead({ io, channels, values, json }) {
    const limit = integerFlag(stringFlag(values, 'limit'), 'limit', 20, 1, 1000);
    const page = await channels.outbox.deadLetters({ limit, cursor: stringFlag(values, 'cursor') ?? null });
    const rows = [];
    for (const item of page.items) {
      const record = await channels.message(item.key);
      rows.push({
        messageId: item.key,
        profileId: record?.profileId ?? null,
        status: record?.status ?? null,
        chain: record?.chain ?? [],
        failedAt: record?.history.at(-1)?.at ?? null,
        rule: record?.decision?.rule ?? null,
        // The record says why in the dispatcher's words; the queue's reason is the fallback.
        reason: record?.decision?.reason ?? item.lastError,
      });
    }
    if (json) {
      io.stdout.write(`${JSON.stringify({ items: rows, nextCursor: page.nextCursor })}\n`);
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.stdout.write('no dead letters\n');
      return EXIT.ok;
    }
    io.stdout.write(
      textTable([
        ['MESSAGE', 'PROFILE', 'STATUS', 'CHAIN', 'FAILED AT', 'RULE', 'REASON'],
        ...rows.map((row) => [
          row.messageId,
          row.profileId ?? '-',
          row.status ?? '(no record)',
          row.chain.join(',') || '-',
          row.failedAt ?? '-',
          row.rule ?? '-',
          row.reason ?? '',
        ]),
      ]),
    );
    if (page.nextCursor !== null) io.stdout.write(`more: add --cursor ${page.nextCursor}\n`);
    return EXIT.ok;
  },

  async retry({ io, channels, workspaceId, id, json }) {
    const record = await channels.message(id);
    if (!record) throw new NotFoundError(`message ${id} does not exist in workspace ${workspaceId}`);
    // Retrying starts the chain again: on a message that went out, that would send it twice.
    if (record.status !== 'failed') {
      throw new ConflictError(
        `message ${id} is ${record.status}, not failed: only failed messages are retried`,
      );
    }
    await channels.retry(id);
    if (json) io.stdout.write(`${JSON.stringify({ messageId: id, status: 'queued' })}\n`);
    else {
      io.stdout.write(
        `message ${id} is queued again from the start of its chain (${record.chain.join(' → ')}); cx outbox run delivers it\n`,
      );
    }
    return EXIT.ok;
  },

  async show({ io, channels, workspaceId, id, json }) {
    const record = await channels.message(id);
    if (!record) throw new NotFoundError(`message ${id} does not exist in workspace ${workspaceId}`);
    io.stdout.write(json ? `${JSON.stringify(record)}\n` : messageReport(record, { contents: true }));
    return EXIT.ok;
  },

  async run({ io, channels, values, json }) {
    const batchSize = integerFlag(stringFlag(values, 'batch-size'), 'batch-size', 20, 1, 1000);
    const worker = channels.dispatcher({
      batchSize,
      onError: (error) =>
        io.stderr.write(
          `cx outbox run: ${isCxError(error) ? `${error.code}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        ),
    });
    const untilEmpty = values['until-empty'] === true;
    // A loop of our own rather than drain(), so Ctrl-C stops between batches.
    let done = await worker.runOnce();
    let processed = done;
    while (untilEmpty && done > 0 && !io.signal.aborted) {
      done = await worker.runOnce();
      processed += done;
    }
    const stats = await channels.outbox.stats();
    if (json)
      io.stdout.write(`${JSON.stringify({ processed, interrupted: io.signal.aborted, outbox: stats })}\n`);
    else {
      io.stdout.write(
        `processed ${processed} message(s); outbox: ${stats.scheduled} scheduled (${stats.due} due), ${stats.dead} dead\n`,
      );
    }
    return io.signal.aborted ? EXIT.interrupted : EXIT.ok;
  },
};
