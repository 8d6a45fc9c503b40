import { DAY_MS, HOUR_MS } from './local-time';
import type { LedgerEntry, PressureRule } from './pressure-rules';

/**
 * How far back ledger entries can still matter to a policy: its longest cap window plus a day.
 * The day covers a calendar week or day that started up to 14 hours "earlier" in a far-east zone
 * and a 25-hour day at a DST change. A policy with no caps needs no history, but gets a day so a
 * ledger shared with a summary view is not emptied.
 *
 * @example
 * ```ts
 * const policy = createPressurePolicy({ rules: [{ id: 'weekly', kind: 'cap', max: 5, per: 'week' }] });
 * ledgerHorizonMs(policy); // 8 days: 691_200_000
 * ```
 */
export function ledgerHorizonMs(policy: { readonly rules: readonly PressureRule[] }): number {
  let longest = 0;
  for (const rule of policy.rules) {
    if (rule.kind !== 'cap') continue;
    const per = rule.per;
    const window = per === 'day' ? DAY_MS : per === 'week' ? 7 * DAY_MS : per.hours * HOUR_MS;
    if (window > longest) longest = window;
  }
  return longest + DAY_MS;
}

/**
 * The entries still inside the horizon (sent at or after `now - horizonMs`, including any later
 * than `now`), in their original order. Returns a new array; the input is not changed.
 *
 * @example
 * ```ts
 * const kept = pruneLedger(entries, Date.now(), ledgerHorizonMs(policy));
 * ```
 */
export function pruneLedger(entries: readonly LedgerEntry[], now: number, horizonMs: number): LedgerEntry[] {
  const cutoff = now - horizonMs;
  return entries.filter((entry) => entry.at >= cutoff);
}
