import { medianAndP90 } from '../stats/percentile';
import type { Session } from './sessions';

/** GA4's engagement threshold: a session longer than this is engaged. */
export const ENGAGED_AFTER_MS = 10_000;

/** True when GA4 counts the session as engaged: over 10 s, a key event, or 2+ page or screen views. */
export function isEngaged(session: Session): boolean {
  return session.durationMs > ENGAGED_AFTER_MS || session.keyEvents > 0 || session.pageViews >= 2;
}

/** True for a classic (Universal Analytics) bounce: one page or screen view and nothing else. */
export function isClassicBounce(session: Session): boolean {
  return session.events === 1 && session.pageViews === 1;
}

/** Web figures over a set of sessions. */
export interface SessionMetrics {
  sessions: number;
  people: number;
  engagedSessions: number;
  /** GA4: non-engaged sessions ÷ sessions; `null` without sessions. */
  bounceRate: number | null;
  /** GA4 engagement rate, 1 − bounce rate. */
  engagementRate: number | null;
  /** Classic: single-page sessions with no other event ÷ sessions. */
  classicBounceRate: number | null;
  /** Time on site: mean, median and p90 session duration (first to last event), ms. */
  averageDurationMs: number | null;
  medianDurationMs: number | null;
  p90DurationMs: number | null;
  pageViewsPerSession: number | null;
}

/**
 * Bounce rate both ways, engagement and time on site.
 * GA4 (support.google.com/analytics/answer/12195621): a session is engaged when it lasts longer
 * than 10 seconds, has a key event, or has at least 2 page or screen views; bounce rate =
 * non-engaged ÷ all sessions. Classic GA: the share of single-page sessions. Duration is from the
 * first to the last event, so a one-hit session lasts 0 s (as in both GA versions).
 *
 * @example
 * ```ts
 * sessionMetrics(buildSessions(events)).bounceRate;
 * ```
 */
export function sessionMetrics(sessions: readonly Session[]): SessionMetrics {
  const n = sessions.length;
  let engaged = 0;
  let classic = 0;
  let duration = 0;
  let pageViews = 0;
  const people = new Set<string>();
  const durations = new Array<number>(n);
  sessions.forEach((session, index) => {
    if (isEngaged(session)) engaged++;
    if (isClassicBounce(session)) classic++;
    duration += session.durationMs;
    pageViews += session.pageViews;
    durations[index] = session.durationMs;
    people.add(session.person);
  });
  const { median, p90 } = medianAndP90(durations);
  return {
    sessions: n,
    people: people.size,
    engagedSessions: engaged,
    bounceRate: n === 0 ? null : (n - engaged) / n,
    engagementRate: n === 0 ? null : engaged / n,
    classicBounceRate: n === 0 ? null : classic / n,
    averageDurationMs: n === 0 ? null : duration / n,
    medianDurationMs: median,
    p90DurationMs: p90,
    pageViewsPerSession: n === 0 ? null : pageViews / n,
  };
}
