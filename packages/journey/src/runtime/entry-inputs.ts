import { parseOrThrow } from '@cx/core';
import { z } from 'zod';

/** Entries one `enterMany` call takes: its reads and its commit stay one round trip each. */
export const MAX_ENTRIES_PER_CALL = 1000;

// Instance ids, message and webhook keys add the journey and node ids to it: 256 keeps them within keys' 512.
const profileIdSchema = z.string().min(1).max(256);
const dataSchema = z.record(z.string(), z.unknown());

/** One person entering a journey through the API, with the entry data templates and waits read. */
export interface ApiEntry {
  profileId: string;
  data?: Record<string, unknown>;
}

const apiEntrySchema = z.strictObject({ profileId: profileIdSchema, data: dataSchema.optional() });

/** `enter`'s arguments, checked. @throws `ValidationError` naming what is wrong. */
export function parseEnter(journeyId: unknown, profileId: unknown, data: unknown) {
  return parseOrThrow(
    z.strictObject({ journeyId: z.string().min(1), profileId: profileIdSchema, data: dataSchema }),
    { journeyId, profileId, data },
    'journey entry',
  );
}

/** `enterMany`'s arguments, checked. @throws `ValidationError` naming every bad entry. */
export function parseEnterMany(journeyId: unknown, entries: unknown) {
  return parseOrThrow(
    z.strictObject({
      journeyId: z.string().min(1),
      entries: z.array(apiEntrySchema).max(MAX_ENTRIES_PER_CALL),
    }),
    { journeyId, entries },
    'journey entries',
  );
}
