import type { CxEvent } from '../events/cx-event';
import { createIdGenerator } from '../ids/ulid';

const fixtureId = createIdGenerator();

/** A new workspace id that no other test uses. */
export function freshWorkspace(prefix = 'ws'): string {
  return `${prefix}_${fixtureId().toLowerCase()}`;
}

/** Options for {@link makeEvent}. */
export interface MakeEventOptions {
  messageId?: string;
  /** Event time as ms since the epoch or an ISO string; defaults to 2026-01-01T00:00:00Z. */
  at?: number | string;
  profileId?: string | null;
  userId?: string;
  event?: string;
  properties?: Record<string, unknown>;
  type?: 'track' | 'identify' | 'page';
}

/** A valid, normalised event for store tests. */
export function makeEvent(options: MakeEventOptions = {}): CxEvent {
  const at = new Date(options.at ?? '2026-01-01T00:00:00.000Z').toISOString();
  const base = {
    messageId: options.messageId ?? `msg_${fixtureId()}`,
    userId: options.userId ?? 'user-1',
    timestamp: at,
    originalTimestamp: at,
    receivedAt: at,
    context: {
      library: { name: 'cx-conformance', version: '1' },
      page: { url: 'https://example.com/ä?q=1' },
    },
    ...(options.profileId === undefined ? {} : { profileId: options.profileId }),
  };
  switch (options.type ?? 'track') {
    case 'identify':
      return {
        ...base,
        type: 'identify',
        traits: { email: 'an@example.com', plan: 'pro', ...options.properties },
      };
    case 'page':
      return { ...base, type: 'page', name: 'Home', properties: { path: '/', ...options.properties } };
    default:
      return {
        ...base,
        type: 'track',
        event: options.event ?? 'Product Viewed',
        properties: {
          sku: 'SKU-1',
          price: 12.5,
          tags: ['a', 'b'],
          nested: { ok: true },
          ...options.properties,
        },
      };
  }
}

/** `count` valid events one second apart, starting at `start`. */
export function makeEvents(count: number, options: MakeEventOptions & { start?: number } = {}): CxEvent[] {
  const start = options.start ?? Date.parse('2026-01-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, index) => makeEvent({ ...options, at: start + index * 1000 }));
}
