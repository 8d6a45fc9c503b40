import { ConfigError, parseOrThrow, type Storage } from '@cx/core';
import { z } from 'zod';
import type { ComputedTraitDefinition } from '../definition/computed-trait-schema';
import {
  orderDefinitions,
  parseComputedTrait,
  parseSegmentDefinition,
} from '../definition/parse-definitions';
import type { SegmentDefinition } from '../definition/segment-schema';
import { compileMembersSql } from './compile-members-sql';
import { streamMembers } from './stream-members';

/** Options of {@link computeMembers}. */
export interface ComputeMembersOptions {
  /** The instant membership is computed for; default now. */
  at?: string | number | Date;
  /** Other segments the definition refers to. */
  segments?: readonly SegmentDefinition[];
  computedTraits?: readonly ComputedTraitDefinition[];
  /** `auto` (the default): SQL where the adapter and the definition allow it, else streaming. */
  method?: 'auto' | 'sql' | 'stream';
  /** Called as the stream advances, with the events read so far. */
  onProgress?: (events: number) => void;
}

/** The members found, and how. */
export interface ComputedMembers {
  members: string[];
  method: 'sql' | 'stream';
}

const optionsSchema = z.object({
  at: z.union([z.string(), z.number(), z.date()]).optional(),
  method: z.enum(['auto', 'sql', 'stream']).optional(),
});

/**
 * The members of a segment at an instant, computed over the stored history: one SQL statement on
 * SQLite and PostgreSQL (through `storage.sql`), or a stream of the log through the real-time
 * engine's code elsewhere. Both agree with the real-time engine (differential tests for every
 * node type). Used for previews (size and sample before saving) and audits.
 *
 * @throws `ValidationError` for a bad definition or options; `ConfigError` when `method: 'sql'`
 *   is asked of an adapter or definition that has no SQL form.
 */
export async function computeMembers(
  storage: Storage,
  workspaceId: string,
  input: SegmentDefinition,
  options: ComputeMembersOptions = {},
): Promise<ComputedMembers> {
  parseOrThrow(optionsSchema, options, 'backfill options');
  const definition = parseSegmentDefinition(input);
  const computedTraits = (options.computedTraits ?? []).map(parseComputedTrait);
  const others = (options.segments ?? []).map(parseSegmentDefinition).filter((s) => s.id !== definition.id);
  orderDefinitions([...others, definition], computedTraits);
  const now = options.at === undefined ? Date.now() : new Date(options.at).getTime();
  const context = {
    now,
    segments: new Map(others.map((s) => [s.id, s])),
    computedTraits: new Map(computedTraits.map((t) => [t.id, t])),
  };
  const method = options.method ?? 'auto';
  if (method !== 'stream' && storage.sql) {
    const compiled = compileMembersSql(storage.sql, workspaceId, definition, context);
    if (compiled) {
      const rows = await storage.sql.query<{ pid: string }>(compiled.text, compiled.params);
      return { members: rows.map((row) => row.pid).sort(), method: 'sql' };
    }
  }
  if (method === 'sql') {
    throw new ConfigError(
      `Segment ${definition.id} has no SQL form on the ${storage.name} adapter; use method 'auto' or 'stream'`,
    );
  }
  return {
    members: await streamMembers(storage, workspaceId, definition, context, options.onProgress),
    method: 'stream',
  };
}
