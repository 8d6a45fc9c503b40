import type { ChannelKind, MessageCategory } from '../../src/contract/channel-kind';
import type { LedgerEntry, PressureDecision } from '../../src/pressure';

/** Epoch ms of an ISO instant: every test time is fixed, never the wall clock. */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad fixture time ${iso}`);
  return ms;
};

export const HOUR = 3_600_000;

let sequence = 0;

/** A ledger entry; marketing on email unless told otherwise. */
export function sent(
  iso: string,
  channel: ChannelKind = 'email',
  extra: { topic?: string; category?: MessageCategory } = {},
): LedgerEntry {
  sequence++;
  return {
    id: `msg_${sequence}`,
    channel,
    category: extra.category ?? 'marketing',
    topic: extra.topic,
    at: at(iso),
  };
}

/** The `until` of a hold as ISO, so failures read as times. */
export function untilIso(decision: PressureDecision): string | undefined {
  return decision.action === 'hold' ? new Date(decision.until).toISOString() : undefined;
}
