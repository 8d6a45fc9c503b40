import { afterAll, beforeAll, describe, it } from 'vitest';
import { ManualClock } from '../clock/clock';
import type { Storage } from '../ports/storage';
import { storageConformanceChecks } from './checks';
import type { ConformanceCheck, ConformanceContext, StoragePeek } from './conformance-types';
import { freshWorkspace } from './fixtures';

/** Options for {@link runStorageConformance}. */
export interface StorageConformanceOptions {
  /** The adapter's name, shown in test names. */
  name: string;
  /**
   * Opens the adapter under test on the suite's clock. Called once before the checks, and again
   * by the `persistent` check to prove data survives a reopen.
   */
  open: (clock: ManualClock) => Storage | Promise<Storage>;
  /** Runs after every check, for example to drop a test database. */
  teardown?: () => void | Promise<void>;
  /** Direct reads of the backing store, for writes the ports alone cannot prove. */
  peek?: (storage: Storage) => StoragePeek;
  /** The checks to run; defaults to all of them. */
  checks?: readonly ConformanceCheck[];
}

/**
 * Registers the storage conformance suite with vitest. Every storage adapter, cx's own and
 * third parties', runs it to prove it behaves like the reference in-memory adapter. Each check
 * gets fresh workspaces; checks for optional capabilities run only where they are declared.
 *
 * @example
 * ```ts
 * // my-adapter.conformance.test.ts
 * import { runStorageConformance } from '@cx/core/testing';
 * import { myStorage } from '../src';
 *
 * runStorageConformance({ name: 'my-adapter', open: (clock) => myStorage({ clock }) });
 * ```
 */
export function runStorageConformance(options: StorageConformanceOptions): void {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  let storage: Storage | undefined;

  const reopen = async () => {
    await storage?.close();
    storage = await options.open(clock);
    return storage;
  };

  describe(`storage conformance: ${options.name}`, () => {
    beforeAll(async () => {
      storage = await options.open(clock);
    });
    afterAll(async () => {
      await storage?.close();
      await options.teardown?.();
    });

    for (const check of options.checks ?? storageConformanceChecks) {
      const declared = () => check.requires === undefined || storage?.capabilities[check.requires] === true;
      it(`${check.port}: ${check.name}`, async (test) => {
        if (!declared()) {
          test.skip(`${options.name} does not declare ${check.requires}`);
          return;
        }
        const current = storage!;
        const context: ConformanceContext = {
          storage: current,
          clock,
          workspace: freshWorkspace(),
          otherWorkspace: freshWorkspace(),
          reopen,
          ...(options.peek ? { peek: options.peek(current) } : {}),
        };
        await check.run(context);
      });
    }
  });
}
