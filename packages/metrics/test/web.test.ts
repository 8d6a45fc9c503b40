import { type CxEvent, isCxError, memoryStorage, normalizeEvent } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { buildSessions, conversionRate, readSessions, sessionMetrics } from '../src';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const S = 1000;
const MIN = 60 * S;
let n = 0;
const at = (ms: number) => ({ timestamp: new Date(T0 + ms).toISOString(), messageId: `w${n++}` });
const page = (userId: string, ms: number): CxEvent =>
  normalizeEvent({ type: 'page', name: 'Home', userId, ...at(ms) }, { receivedAt: 0 });
const track = (userId: string, event: string, ms: number): CxEvent =>
  normalizeEvent({ type: 'track', event, userId, ...at(ms) }, { receivedAt: 0 });

const events = [
  // a: one page view (a classic and a GA4 bounce), then 31 minutes later a 2-page session.
  page('a', 0),
  page('a', 31 * MIN),
  page('a', 31 * MIN + 5 * S),
  // b: one page view and a click 11 s later: engaged by time, not a classic bounce.
  page('b', 0),
  track('b', 'Clicked', 11 * S),
  // c: one page and a purchase 3 s later: engaged by key event.
  page('c', 0),
  track('c', 'Order Completed', 3 * S),
  // d: one page view, 10 s of nothing: not engaged (needs more than 10 s).
  page('d', 0),
  track('d', 'Scrolled', 10 * S),
];

describe('sessions, bounce and conversion', () => {
  const sessions = buildSessions(events, { keyEvents: ['Order Completed'] });

  it('splits at 30 minutes of inactivity', () => {
    expect(sessions).toHaveLength(5);
    expect(sessions.filter((s) => s.person === 'a').map((s) => [s.pageViews, s.durationMs])).toEqual([
      [1, 0],
      [2, 5 * S],
    ]);
    // Exactly 30 minutes apart is still one session.
    expect(buildSessions([page('e', 0), page('e', 30 * MIN)])).toHaveLength(1);
  });

  it('GA4 and classic bounce, time on site', () => {
    const metrics = sessionMetrics(sessions);
    // Engaged: a's second (2 pages), b (11 s), c (key event). Not: a's first, d (10 s exactly).
    expect(metrics).toMatchObject({
      sessions: 5,
      people: 4,
      engagedSessions: 3,
      bounceRate: 0.4,
      engagementRate: 0.6,
    });
    // Classic: only a's first session is a single hit.
    expect(metrics.classicBounceRate).toBe(0.2);
    // Durations 0, 5, 11, 3, 10 s: mean 5.8 s, nearest-rank median 5 s, p90 11 s.
    expect(metrics).toMatchObject({
      averageDurationMs: 5800,
      medianDurationMs: 5000,
      p90DurationMs: 11_000,
      pageViewsPerSession: 1.2,
    });
    expect(sessionMetrics([])).toMatchObject({ sessions: 0, bounceRate: null, medianDurationMs: null });
  });

  it('conversion by people and by sessions', () => {
    const byPeople = conversionRate(sessions, { events: ['Order Completed'] });
    expect(byPeople).toMatchObject({ visitors: 4, conversions: 1, rate: 0.25 });
    expect(byPeople.interval!.low).toBeCloseTo(0.045586, 5);
    expect(byPeople.interval!.high).toBeCloseTo(0.699358, 5);
    expect(conversionRate(sessions, { events: ['Order Completed'], by: 'sessions' })).toMatchObject({
      visitors: 5,
      conversions: 1,
      rate: 0.2,
    });
    try {
      conversionRate(sessions, { events: [] });
      expect.unreachable();
    } catch (error) {
      expect(isCxError(error, 'VALIDATION')).toBe(true);
    }
  });

  it('reads sessions from storage', async () => {
    const storage = memoryStorage();
    await storage.events.append('acme', events);
    expect(await readSessions(storage, 'acme')).toHaveLength(5);
  });
});
