import { parseOrThrow, ValidationError } from '@cx/core';
import { z } from 'zod';

/** Options every survey score takes. */
export const scoreOptionsSchema = z
  .object({
    /** Confidence level of the intervals, from 0.5 to 0.999; default 0.95. */
    level: z.number().min(0.5).max(0.999).default(0.95),
  })
  .default({ level: 0.95 });

/** Options of the survey scores. */
export interface ScoreOptions {
  /** Confidence level of the intervals, from 0.5 to 0.999; default 0.95. */
  level?: number;
}

/** Validates score options. */
export function parseScoreOptions(options: unknown): { level: number } {
  return parseOrThrow(scoreOptionsSchema, options, 'score options');
}

/** Throws a `ValidationError` (issue code `no_responses`) when either side of a comparison is empty. */
export function requireResponses(a: number, b: number): void {
  if (a > 0 && b > 0) return;
  throw new ValidationError('Cannot compare scores: both sides need at least one response', [
    { path: '', message: 'A period or group has no responses', code: 'no_responses' },
  ]);
}
