import type { ManualClock } from '../clock/clock';
import type { Storage, StorageCapabilities } from '../ports/storage';

/** What every conformance check receives. */
export interface ConformanceContext {
  /** The adapter under test. */
  storage: Storage;
  /** The clock the adapter was created with; checks advance it to expire leases. */
  clock: ManualClock;
  /** A workspace no other check uses. */
  workspace: string;
  /** A second fresh workspace, for isolation checks. */
  otherWorkspace: string;
  /** Hooks into the backing store, for writes the ports alone cannot prove. */
  peek?: StoragePeek;
  /** Closes `storage` and opens the same backing store again (required for `persistent`). */
  reopen?: () => Promise<Storage>;
}

/** Read-only access to an adapter's backing store. */
export interface StoragePeek {
  /** How many events the backing store holds for a workspace, counted directly. */
  countEvents(workspaceId: string): Promise<number>;
}

/** One conformance check: plain async code that throws when the adapter breaks the contract. */
export interface ConformanceCheck {
  /** The port the check covers. */
  port: 'events' | 'profiles' | 'leases' | 'documents' | 'work' | 'commit' | 'workspaces' | 'capabilities';
  /** What the contract promises, in words; used as the test name. */
  name: string;
  /** Runs only where the adapter declares this capability. */
  requires?: keyof StorageCapabilities;
  run(context: ConformanceContext): Promise<void>;
}
