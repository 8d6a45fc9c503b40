import { readFile } from 'node:fs/promises';
import { text } from 'node:stream/consumers';
import { ConfigError, isCxError, ValidationError } from '@cx/core';
import {
  type ComputedTraitDefinition,
  computeMembers,
  createSegmentEngine,
  membersAt,
  type SegmentDefinition,
  type SegmentEngine,
  transitionMatrix,
} from '@cx/segments';
import { createBackfillReporter } from '../progress/backfill-progress';
import { backfillSegment } from '../segments/backfill-segment';
import { openStorage } from '../storage/open-storage';
import { type CliIo, EXIT } from './cli-io';
import { integerFlag, parseFlags } from './parse-flags';
import { textTable } from './text-table';
import { SEGMENTS_USAGE } from './usage';

const COMMON_FLAGS = {
  storage: { type: 'string' },
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The flags each subcommand takes besides the common ones, and how many positionals. */
const SUBCOMMANDS = {
  define: { flags: {}, file: true },
  backfill: { flags: { 'batch-size': { type: 'string' } }, file: true },
  list: { flags: {}, file: false },
  sizes: { flags: {}, file: false },
  matrix: {
    flags: { segments: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
    file: false,
  },
  preview: { flags: { at: { type: 'string' } }, file: true },
} as const;
type Subcommand = keyof typeof SUBCOMMANDS;

/** How many member ids a preview prints. */
const PREVIEW_SAMPLE = 20;

/** Parsed flag values by name. */
type Flags = Record<string, string | boolean | undefined>;

/** A string flag's value, if given. */
const stringFlag = (values: Flags, name: string) => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

/** What a subcommand gets: its flags, its one positional (file or id), and the open engine. */
interface Context {
  io: CliIo;
  engine: SegmentEngine;
  values: Flags;
  arg: string;
  json: boolean;
}

/**
 * `cx segments define|backfill|list|sizes|matrix|preview`: manages the segments of one
 * workspace in a store. An invalid definition (or date) is printed with the path of each
 * problem and exits 2, with nothing saved.
 */
export async function segmentsCommand(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(SEGMENTS_USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!Object.hasOwn(SUBCOMMANDS, name)) {
    throw new ConfigError(`unknown subcommand "${name}": use ${Object.keys(SUBCOMMANDS).join(', ')}`);
  }
  const sub = name as Subcommand;
  // Each subcommand takes only its own flags (parsed strictly); only their values are read below.
  const extra: Record<string, { type: 'string' }> = SUBCOMMANDS[sub].flags;
  const parsed = parseFlags(rest, { ...COMMON_FLAGS, ...extra });
  const values = parsed.values as Flags;
  const positionals = parsed.positionals;
  if (values.help) {
    io.stdout.write(SEGMENTS_USAGE);
    return EXIT.ok;
  }
  const wanted = SUBCOMMANDS[sub].file ? 1 : 0;
  if (positionals.length !== wanted) {
    const what = sub === 'backfill' ? 'a segment id' : 'a JSON file (or - for stdin)';
    throw new ConfigError(
      wanted === 1 ? `cx segments ${sub} takes ${what}` : `cx segments ${sub} takes no arguments`,
    );
  }
  if (typeof values.storage !== 'string') throw new ConfigError('--storage is required');
  if (typeof values.workspace !== 'string') throw new ConfigError('--workspace is required');

  const opened = await openStorage(values.storage, {
    onConnectionError: (error) =>
      io.stderr.write(
        `cx segments: database connection lost (${error.message}); it reconnects on next use\n`,
      ),
  });
  try {
    const engine = createSegmentEngine({
      storage: opened.storage,
      workspaceId: values.workspace,
      clock: io.clock,
      pageSize: integerFlag(stringFlag(values, 'batch-size'), 'batch-size', 500, 1, 10_000),
      onError: (error) => io.stderr.write(`cx segments ${sub}: ${describe(error)}\n`),
    });
    const context: Context = { io, engine, values, arg: positionals[0] ?? '', json: values.json === true };
    return await RUN[sub](context);
  } catch (error) {
    if (!isCxError(error, 'VALIDATION')) throw error;
    reportInvalid(io, sub, error as ValidationError);
    return EXIT.usage;
  } finally {
    await opened.close();
  }
}

const RUN: Record<Subcommand, (context: Context) => Promise<number>> = {
  async define({ io, engine, arg, json }) {
    const input = await readJson(arg, io);
    // A computed trait says what it keeps (`kind`); a segment never has that field.
    const isTrait = typeof input === 'object' && input !== null && 'kind' in input;
    const saved = isTrait
      ? await engine.defineComputedTrait(input as ComputedTraitDefinition)
      : await engine.define(input as SegmentDefinition);
    const kind = isTrait ? 'computed trait' : 'segment';
    if (json)
      io.stdout.write(`${JSON.stringify({ kind: isTrait ? 'computedTrait' : 'segment', ...saved })}\n`);
    else {
      io.stdout.write(
        `saved ${kind} ${saved.id} version ${saved.version}; run cx segments backfill ${saved.id} to bring it live\n`,
      );
    }
    return EXIT.ok;
  },

  async backfill({ io, engine, arg, json }) {
    const reporter = createBackfillReporter({ stream: io.stderr, clock: io.clock });
    const outcome = await backfillSegment(engine, arg, { signal: io.signal, onProgress: reporter.update });
    reporter.done();
    if (outcome.interrupted) {
      io.stderr.write(`cx segments backfill: interrupted; run it again to continue where it stopped\n`);
      return EXIT.interrupted;
    }
    const segment = await engine.get(arg);
    const members =
      segment === null
        ? null
        : (await membersAt(engine.storage, engine.workspaceId, arg, io.clock.now())).length;
    const version = segment?.version ?? null;
    if (json) io.stdout.write(`${JSON.stringify({ id: arg, status: 'live', version, members })}\n`);
    else if (segment === null) io.stdout.write(`computed trait ${arg} is live\n`);
    else io.stdout.write(`segment ${arg} is live (version ${version}): ${members} members\n`);
    return EXIT.ok;
  },

  async list({ io, engine, json }) {
    const [segments, traits] = await Promise.all([engine.list(), engine.listComputedTraits()]);
    if (json) {
      const items = segments.map(({ id, name, status, version }) => ({ id, name, status, version }));
      io.stdout.write(`${JSON.stringify({ segments: items, computedTraits: traits })}\n`);
      return EXIT.ok;
    }
    if (segments.length === 0) io.stdout.write('no segments\n');
    else {
      io.stdout.write(
        textTable(
          [
            ['ID', 'NAME', 'STATUS', 'VERSION'],
            ...segments.map((s) => [s.id, s.name, s.status, String(s.version)]),
          ],
          new Set([3]),
        ),
      );
    }
    if (traits.length > 0) {
      io.stdout.write(
        `\n${textTable([
          ['COMPUTED TRAIT', 'KIND', 'EVENT', 'PROPERTY'],
          ...traits.map((t) => [t.id, t.kind, t.event, t.property ?? '']),
        ])}`,
      );
    }
    return EXIT.ok;
  },

  async sizes({ io, engine, json }) {
    const now = io.clock.now();
    const rows = [];
    for (const segment of await engine.list()) {
      // Memberships of a definition still replaying are partial: no size until it is live.
      const members =
        segment.status === 'live'
          ? (await membersAt(engine.storage, engine.workspaceId, segment.id, now)).length
          : null;
      rows.push({ id: segment.id, name: segment.name, status: segment.status, members });
    }
    if (json) io.stdout.write(`${JSON.stringify({ at: new Date(now).toISOString(), segments: rows })}\n`);
    else if (rows.length === 0) io.stdout.write('no segments\n');
    else {
      io.stdout.write(
        textTable(
          [
            ['ID', 'NAME', 'STATUS', 'MEMBERS'],
            ...rows.map((r) => [
              r.id,
              r.name,
              r.status,
              r.members === null ? '-' : r.members.toLocaleString('en-US'),
            ]),
          ],
          new Set([3]),
        ),
      );
    }
    return EXIT.ok;
  },

  async matrix({ io, engine, values, json }) {
    const ids = (stringFlag(values, 'segments') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (ids.length === 0) throw new ConfigError('--segments is required: segment ids separated by commas');
    const from = stringFlag(values, 'from');
    const to = stringFlag(values, 'to');
    if (from === undefined) throw new ConfigError('--from is required: the start of the period');
    const matrix = await transitionMatrix(engine.storage, engine.workspaceId, {
      segmentIds: ids,
      from: dateFlag(from),
      to: to === undefined ? io.clock.now() : dateFlag(to),
    });
    if (json) {
      io.stdout.write(`${JSON.stringify(matrix)}\n`);
      return EXIT.ok;
    }
    io.stdout.write(`profiles by segment at ${matrix.from} (rows) and at ${matrix.to} (columns)\n`);
    const header = ['', ...matrix.states];
    const rows = matrix.states.map((from) => [
      from,
      ...matrix.states.map((to) => String(matrix.counts[from]?.[to] ?? 0)),
    ]);
    io.stdout.write(textTable([header, ...rows], new Set(matrix.states.map((_, i) => i + 1))));
    return EXIT.ok;
  },

  async preview({ io, engine, values, arg, json }) {
    const definition = (await readJson(arg, io)) as SegmentDefinition;
    const atFlag = stringFlag(values, 'at');
    const at = atFlag === undefined ? io.clock.now() : dateFlag(atFlag);
    const [segments, computedTraits] = await Promise.all([engine.list(), engine.listComputedTraits()]);
    const { members, method } = await computeMembers(engine.storage, engine.workspaceId, definition, {
      at,
      segments: segments.map((segment) => segment.definition),
      computedTraits,
    });
    const sample = members.slice(0, PREVIEW_SAMPLE);
    if (json) {
      io.stdout.write(`${JSON.stringify({ size: members.length, sample, method })}\n`);
      return EXIT.ok;
    }
    io.stdout.write(
      `${definition.id}: ${members.length.toLocaleString('en-US')} members at ${new Date(at).toISOString()} (computed by ${method})\n`,
    );
    if (sample.length > 0) {
      const shown = sample.length < members.length ? `first ${sample.length}` : 'all';
      io.stdout.write(`members (${shown}):\n${sample.map((id) => `  ${id}\n`).join('')}`);
    }
    return EXIT.ok;
  },
};

/** Reads and parses a JSON file, or stdin for `-`; bad JSON is a `ValidationError`. */
async function readJson(file: string, io: CliIo): Promise<unknown> {
  const content = file === '-' ? await text(io.stdin) : await readFile(file, 'utf8');
  try {
    return JSON.parse(content);
  } catch (error) {
    throw new ValidationError(`${file === '-' ? 'stdin' : file} is not valid JSON`, [
      { path: '', message: String(error), code: 'invalid_json' },
    ]);
  }
}

/** A date flag as epoch ms; anything `Date` cannot read is a `ConfigError`. */
function dateFlag(value: string): number {
  const ms = new Date(value).getTime();
  if (Number.isNaN(ms)) throw new ConfigError(`"${value}" is not a date: use ISO-8601, such as 2026-03-01`);
  return ms;
}

/** Prints a validation error with the path of each problem. */
function reportInvalid(io: CliIo, sub: string, error: ValidationError): void {
  if (error.issues.length === 0) {
    io.stderr.write(`cx segments ${sub}: ${error.message}\n`);
    return;
  }
  // The message repeats the first issues after its first ": "; each is printed on its own line.
  io.stderr.write(`cx segments ${sub}: ${error.message.split(': ')[0]}:\n`);
  for (const issue of error.issues) io.stderr.write(`  ${issue.path || '(root)'}: ${issue.message}\n`);
}

function describe(error: unknown): string {
  if (isCxError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
