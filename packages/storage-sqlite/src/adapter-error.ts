import { AdapterError, isCxError } from '@cx/core';

/**
 * Runs one port operation and turns any driver failure (a closed handle, a full disk, a locked
 * file) into an `AdapterError`, so callers match on `code === 'ADAPTER'` whatever the driver
 * threw. cx errors raised on purpose (validation, conflicts) pass through unchanged.
 */
export function guard<T>(op: string, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    if (isCxError(cause)) throw cause;
    throw new AdapterError({ adapter: 'sqlite', op, cause });
  }
}
