import type { Readable } from 'node:stream';
import type { Clock } from '@cx/core';
import type { ProgressStream } from '../progress/progress-reporter';

/** Where a command reads and writes; the real process by default, buffers in tests. */
export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  stdin: Readable;
  env: Record<string, string | undefined>;
  clock: Clock;
  /** Aborted on SIGINT/SIGTERM: `cx serve` shuts down cleanly, `cx segments backfill` stops where it is. */
  signal: AbortSignal;
}

/** Exit codes of the `cx` command. */
export const EXIT = {
  ok: 0,
  /** A fatal error: the command could not finish. */
  fatal: 1,
  /** Wrong flags or configuration, or an invalid segment definition; nothing was done. */
  usage: 2,
  /** `cx import` finished, but some rows were rejected (they are in the error report). */
  rowsRejected: 3,
  /** `cx segments backfill` was stopped (Ctrl-C); its progress is stored, and running it again continues. */
  interrupted: 130,
} as const;
