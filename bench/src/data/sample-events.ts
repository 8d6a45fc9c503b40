import { type CxEvent, normalizeEvent } from '@cx/core';

const PRODUCTS = ['SKU-1001', 'SKU-2002', 'SKU-3003', 'SKU-4004', 'SKU-5005'];
const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed'];

/** A realistic raw Segment `track` call as a browser library sends it (about 700 bytes of JSON). */
export function rawTrackEvent(
  index: number,
  base = Date.parse('2026-01-01T00:00:00Z'),
): Record<string, unknown> {
  const at = new Date(base + index * 1000).toISOString();
  return {
    type: 'track',
    messageId: `bench-${process.pid}-${base}-${index}`,
    anonymousId: `anon-${index % 5000}`,
    userId: index % 3 === 0 ? `user-${index % 2000}` : undefined,
    event: EVENTS[index % EVENTS.length],
    properties: {
      product_id: PRODUCTS[index % PRODUCTS.length],
      price: 19.99 + (index % 7),
      currency: 'VND',
      quantity: 1 + (index % 3),
      category: 'Music',
    },
    context: {
      ip: '203.0.113.7',
      locale: 'vi-VN',
      userAgent:
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
      library: { name: 'analytics.js', version: '2.11.1' },
      page: {
        path: '/products',
        url: 'https://shop.example.vn/products?ref=email',
        title: 'Products',
        referrer: '',
      },
      campaign: { name: 'tet-2026', source: 'zalo', medium: 'social' },
    },
    timestamp: at,
    sentAt: at,
  };
}

/** `count` normalised events, ready for the event store. */
export function normalizedEvents(count: number, base?: number): CxEvent[] {
  return Array.from({ length: count }, (_, index) =>
    normalizeEvent(rawTrackEvent(index, base), {
      receivedAt: Date.parse('2026-01-01T00:00:00Z') + index * 1000,
    }),
  );
}

/** Splits a list into batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
