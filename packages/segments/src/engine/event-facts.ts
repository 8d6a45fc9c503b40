import type { CxEvent } from '@cx/core';

/**
 * The name a segment or computed trait matches an event by. Track events go by their own name;
 * page and screen calls by `Page Viewed` and `Screen Viewed` (their properties hold `path`,
 * `url`, `title`, `name`), so "went back to the home page" is `Page Viewed` where `path` is `/`.
 */
export function eventName(event: CxEvent): string | undefined {
  switch (event.type) {
    case 'track':
      return event.event;
    case 'page':
      return 'Page Viewed';
    case 'screen':
      return 'Screen Viewed';
    default:
      return undefined;
  }
}

/** The properties conditions on an event test: its `properties` bag (the same JSON SQL reads). */
export function eventProperties(event: CxEvent): Record<string, unknown> {
  return ((event as { properties?: Record<string, unknown> }).properties ?? {}) as Record<string, unknown>;
}

/** The event's time in epoch ms. */
export const eventTime = (event: CxEvent): number => Date.parse(event.timestamp);
