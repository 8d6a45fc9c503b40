import type { Storage } from '@cx/core';
import type { LedgerEntry } from '../pressure';

/** The collection of contact ledgers, one document per profile. */
export const LEDGER_COLLECTION = 'channels.ledger';

/** A profile's ledger as stored, and the version it was read at (0: none yet). */
export interface StoredLedger {
  entries: LedgerEntry[];
  version: number;
}

/** The sends recorded for a profile. */
export async function readLedger(
  storage: Storage,
  workspaceId: string,
  profileId: string,
): Promise<StoredLedger> {
  const document = await storage.documents.get<{ entries: LedgerEntry[] }>(
    workspaceId,
    LEDGER_COLLECTION,
    profileId,
  );
  return document
    ? { entries: document.value.entries, version: document.version }
    : { entries: [], version: 0 };
}

/**
 * The ledger write that records `entry` (replacing an entry of the same message, so a retried
 * reservation counts once) and forgets entries older than `horizonMs`, under optimistic
 * concurrency: two dispatchers deciding for the same person at once cannot both pass a cap.
 */
export function ledgerWrite(
  profileId: string,
  current: StoredLedger,
  change: { add?: LedgerEntry; remove?: string },
  now: number,
  horizonMs: number,
) {
  const oldest = now - horizonMs;
  const entries = current.entries.filter(
    (entry) => entry.at >= oldest && entry.id !== change.add?.id && entry.id !== change.remove,
  );
  if (change.add) entries.push(change.add);
  return {
    collection: LEDGER_COLLECTION,
    key: profileId,
    value: { entries },
    expectedVersion: current.version,
  };
}
