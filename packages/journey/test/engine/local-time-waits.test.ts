import { localZone } from '@cx/channels';
import { describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { nextLocalTime, resolveZone, traitDueAt } from '../../src/engine';
import { at, DAY, JourneyHarness } from './journey-harness';
import { around } from './recipes';

const hcm = localZone('Asia/Ho_Chi_Minh')!;
const ny = localZone('America/New_York')!;

function atNine(weekdays?: number[]): JourneyDefinition {
  return around({
    type: 'wait-until-time',
    id: 'at-nine',
    at: '09:00',
    ...(weekdays === undefined ? {} : { weekdays }),
    next: 'done',
  });
}

describe('wait-until-time', () => {
  // Saturday 7 March 2026, 15:00Z: 22:00 in Ho Chi Minh City, 10:00 EST in New York. New York
  // springs forward at 02:00 on Sunday 8 March; Vietnam has no DST.
  const saturday = at('2026-03-07T15:00:00Z');

  it('waits for 09:00 on Sunday in each zone, DST included', () => {
    const inHcm = new JourneyHarness(atNine(), { now: saturday, timezone: 'Asia/Ho_Chi_Minh' });
    inHcm.enter();
    expect(inHcm.state.waiting).toEqual({ kind: 'timer', node: 'at-nine', at: at('2026-03-08T02:00:00Z') });

    const inNy = new JourneyHarness(atNine(), { now: saturday, timezone: 'America/New_York' });
    inNy.enter();
    // 09:00 EDT (UTC-4), not 09:00 EST: the offset of the day it fires on, not of today.
    expect(inNy.state.waiting).toEqual({ kind: 'timer', node: 'at-nine', at: at('2026-03-08T13:00:00Z') });

    inNy.advanceTo(at('2026-03-08T13:00:00Z'));
    expect(inNy.state).toMatchObject({ status: 'exited', node: 'done' });
    expect(inNy.state.path).toEqual([
      { node: 'at-nine', at: saturday },
      { node: 'done', at: at('2026-03-08T13:00:00Z') },
    ]);
  });

  it('skips to an allowed weekday', () => {
    const monday = [1];
    expect(nextLocalTime(saturday, '09:00', monday, hcm)).toBe(at('2026-03-09T02:00:00Z'));
    expect(nextLocalTime(saturday, '09:00', monday, ny)).toBe(at('2026-03-09T13:00:00Z'));
    // Today (Saturday, 6) after 09:00 local: a week later, not today.
    expect(nextLocalTime(saturday, '09:00', [6], ny)).toBe(at('2026-03-14T13:00:00Z'));
    // Still today when the time has not come yet.
    expect(nextLocalTime(saturday, '23:30', [6], hcm)).toBe(at('2026-03-07T16:30:00Z'));
  });

  it('reads a time skipped by spring forward as the end of the jump', () => {
    // 02:30 does not happen in New York on 8 March: 03:30 EDT does.
    expect(nextLocalTime(saturday, '02:30', undefined, ny)).toBe(at('2026-03-08T07:30:00Z'));
  });

  it('takes the first 01:30 of a fall-back night, never the repeat', () => {
    // New York falls back at 02:00 EDT on Sunday 1 November 2026: 01:30 happens at 05:30Z and 06:30Z.
    expect(nextLocalTime(at('2026-10-31T16:00:00Z'), '01:30', undefined, ny)).toBe(
      at('2026-11-01T05:30:00Z'),
    );
    // Between the two: the next one is Monday's, not the repeat.
    expect(nextLocalTime(at('2026-11-01T06:00:00Z'), '01:30', undefined, ny)).toBe(
      at('2026-11-02T06:30:00Z'),
    );
  });

  it('goes on at once when it is exactly that time', () => {
    const harness = new JourneyHarness(atNine(), {
      now: at('2026-03-09T02:00:00Z'),
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const entered = harness.enter();
    expect(harness.state.node).toBe('done');
    expect(entered.effects.some((effect) => effect.type === 'timer')).toBe(false);
    // One millisecond later it is tomorrow's.
    expect(nextLocalTime(at('2026-03-09T02:00:00.001Z'), '09:00', undefined, hcm)).toBe(
      at('2026-03-10T02:00:00Z'),
    );
  });

  it("falls back to the journey's zone, then UTC, for an unknown zone", () => {
    expect(resolveZone('Mars/Olympus', 'Asia/Ho_Chi_Minh').name).toBe('Asia/Ho_Chi_Minh');
    expect(resolveZone('Mars/Olympus').name).toBe('UTC');
    const harness = new JourneyHarness(atNine(), { now: saturday, timezone: 'Mars/Olympus' });
    harness.enter();
    expect(harness.state.waiting).toMatchObject({ at: at('2026-03-08T09:00:00Z') });
  });
});

describe('wait-until-trait', () => {
  const beforeRenewal = around(
    {
      type: 'wait-until-trait',
      id: 'before-renewal',
      trait: 'renewalDate',
      offset: { days: 3, before: true },
      next: 'done',
      onMissing: 'ask-date',
    },
    {},
    ['done', 'ask-date'],
  );
  const now = at('2026-05-01T00:00:00Z');

  it('waits until three local days before a renewal date', () => {
    const inHcm = new JourneyHarness(beforeRenewal, {
      now,
      timezone: 'Asia/Ho_Chi_Minh',
      traits: { renewalDate: '2026-06-01' },
    });
    inHcm.enter();
    // Midnight on 29 May where the person lives.
    expect(inHcm.state.waiting).toEqual({
      kind: 'timer',
      node: 'before-renewal',
      at: at('2026-05-28T17:00:00Z'),
    });
    inHcm.advance(40 * DAY);
    expect(inHcm.state.node).toBe('done');

    const inNy = new JourneyHarness(beforeRenewal, {
      now,
      timezone: 'America/New_York',
      traits: { renewalDate: '2026-06-01' },
    });
    inNy.enter();
    expect(inNy.state.waiting).toMatchObject({ at: at('2026-05-29T04:00:00Z') });
  });

  it('reads exact times and epoch milliseconds, and moves by calendar days across DST', () => {
    expect(traitDueAt('2026-06-01T10:00:00Z', { days: 3, before: true }, ny)).toBe(
      at('2026-05-29T10:00:00Z'),
    );
    expect(traitDueAt(at('2026-06-01T10:00:00Z'), { hours: 2 }, hcm)).toBe(at('2026-06-01T12:00:00Z'));
    // 09:00 EDT on 10 March, three days before is 09:00 EST on 7 March: 71 hours, not 72.
    expect(traitDueAt('2026-03-10T09:00:00-04:00', { days: 3, before: true }, ny)).toBe(
      at('2026-03-07T14:00:00Z'),
    );
    expect(traitDueAt('next tuesday', undefined, ny)).toBeUndefined();
  });

  it('takes onMissing at once when the trait is missing or not a date', () => {
    for (const traits of [
      {},
      { renewalDate: 'soon' },
      { renewalDate: null },
      { renewalDate: '2026-02-30' },
    ]) {
      const harness = new JourneyHarness(beforeRenewal, { now, traits });
      harness.enter();
      expect(harness.state.node).toBe('ask-date');
    }
  });

  it('goes to next at once without onMissing, or when the date is already past', () => {
    const noFallback = around({ type: 'wait-until-trait', id: 'w', trait: 'renewalDate', next: 'done' });
    const missing = new JourneyHarness(noFallback, { now });
    missing.enter();
    expect(missing.state.node).toBe('done');

    const past = new JourneyHarness(beforeRenewal, { now, traits: { renewalDate: '2026-05-03' } });
    past.enter();
    expect(past.state.node).toBe('done');
  });

  it('reads a nested trait by its dot path', () => {
    const nested = around({
      type: 'wait-until-trait',
      id: 'w',
      trait: 'subscription.renewsAt',
      next: 'done',
      onMissing: 'done',
    });
    const harness = new JourneyHarness(nested, {
      now,
      traits: { subscription: { renewsAt: at('2026-05-10T00:00:00Z') } },
    });
    harness.enter();
    expect(harness.state.waiting).toMatchObject({ at: at('2026-05-10T00:00:00Z') });
  });
});
