import { describe, expect, it } from 'vitest';
import { createPressurePolicy, ledgerHorizonMs, pruneLedger } from '../../src/pressure';
import { at, HOUR, sent } from './support';

const DAY = 24 * HOUR;

describe('ledgerHorizonMs', () => {
  it('is the longest cap window plus a day', () => {
    const policy = createPressurePolicy({
      rules: [
        { id: 'daily', kind: 'cap', max: 2, per: 'day' },
        { id: 'weekly', kind: 'cap', max: 5, per: 'week' },
        { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
      ],
    });
    expect(ledgerHorizonMs(policy)).toBe(8 * DAY);
    expect(ledgerHorizonMs({ rules: [{ id: 'r', kind: 'cap', max: 1, per: { hours: 240 } }] })).toBe(
      11 * DAY,
    );
    expect(ledgerHorizonMs({ rules: [] })).toBe(DAY);
  });
});

describe('pruneLedger', () => {
  it('keeps entries inside the horizon, in order, without changing the input', () => {
    const now = at('2026-12-10T00:00:00Z');
    const ledger = [
      sent('2026-12-09T00:00:00Z'),
      sent('2026-12-01T00:00:00Z'),
      sent('2026-12-02T00:00:00Z'), // exactly at the horizon: kept
      sent('2026-12-10T00:05:00Z'), // later than now (another machine's clock): kept
    ];
    const copy = [...ledger];
    expect(pruneLedger(ledger, now, 8 * DAY)).toEqual([ledger[0], ledger[2], ledger[3]]);
    expect(ledger).toEqual(copy);
  });
});
