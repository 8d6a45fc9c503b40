import { type SeededRandom, seededRandom } from '@cx/core';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A Segment call at the simulated time it happens. */
export interface TimedCall {
  at: number;
  call: Record<string, unknown>;
}

/** The shop's traffic and what the generator decided, so the report can compare. */
export interface Traffic {
  calls: TimedCall[];
  visitors: number;
  signUps: number;
  secondDevice: number;
  carts: number;
  ordersSoon: number;
  ordersLater: number;
}

/** Options of {@link generateTraffic}. */
export interface TrafficOptions {
  seed: number;
  visitors: number;
  /** Arrivals are spread evenly over `[start, start + days)`. */
  start: number;
  days: number;
}

const CATALOG = [
  { name: 'Áo dài lụa', category: 'ao-dai', price: 1_990_000 },
  { name: 'Nón lá Huế', category: 'phu-kien', price: 150_000 },
  { name: 'Cà phê Buôn Ma Thuột 500g', category: 'thuc-pham', price: 245_000 },
  { name: 'Giày thể thao Biti’s Hunter', category: 'giay', price: 899_000 },
  { name: 'Túi cói Hội An', category: 'phu-kien', price: 320_000 },
  { name: 'Bộ ấm chén Bát Tràng', category: 'gia-dung', price: 1_250_000 },
] as const;
const FIRST_NAMES = ['Lan', 'Minh', 'Hoa', 'Tuấn', 'Mai', 'Hùng', 'Linh', 'Dũng', 'Thảo', 'Nam'];
const LAST_NAMES = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'];

const pick = <T>(random: SeededRandom, list: readonly T[]): T => list[random.int(list.length)] as T;
const between = (random: SeededRandom, from: number, to: number) => from + random() * (to - from);

/**
 * Simulated shop traffic, the same for the same seed: anonymous visits (a page view, a category
 * page, product pages), sign-ups that identify the visitor with an email and a name, some people
 * coming back on a second device and logging in (which makes identity merge two profiles), carts,
 * and orders that come soon, later (after the reminder emails) or never. Calls come back sorted by
 * time.
 */
export function generateTraffic(options: TrafficOptions): Traffic {
  const random = seededRandom(options.seed);
  const calls: TimedCall[] = [];
  const traffic: Traffic = {
    calls,
    visitors: options.visitors,
    signUps: 0,
    secondDevice: 0,
    carts: 0,
    ordersSoon: 0,
    ordersLater: 0,
  };
  const span = options.days * 24 * HOUR;

  for (let i = 1; i <= options.visitors; i++) {
    const anonymousId = `anon-${i}`;
    const product = pick(random, CATALOG);
    let t = options.start + (span * (i - 0.5 + random() * 0.5)) / options.visitors;
    const as = (ids: Record<string, string>, call: Record<string, unknown>) =>
      calls.push({
        at: Math.round(t),
        call: { ...call, ...ids, timestamp: new Date(Math.round(t)).toISOString() },
      });
    const later = (from: number, to: number) => {
      t += between(random, from, to);
    };

    // Anonymous browsing.
    let ids: Record<string, string> = { anonymousId };
    as(ids, { type: 'page', name: 'Home', properties: { path: '/', url: 'https://shop.example/' } });
    if (random() > 0.85) continue;
    later(MINUTE, 3 * MINUTE);
    as(ids, { type: 'track', event: 'Product List Viewed', properties: { category: product.category } });
    if (random() > 0.75) continue;
    const views = 1 + random.int(3);
    for (let v = 0; v < views; v++) {
      later(MINUTE, 4 * MINUTE);
      const viewed = v === views - 1 ? product : pick(random, CATALOG);
      as(ids, {
        type: 'track',
        event: 'Product Viewed',
        properties: { productName: viewed.name, price: viewed.price },
      });
    }
    if (random() > 0.75) continue;

    // Sign-up: the anonymous profile becomes known.
    traffic.signUps += 1;
    const firstName = pick(random, FIRST_NAMES);
    const lastName = pick(random, LAST_NAMES);
    const userId = `user-${i}`;
    later(MINUTE, 5 * MINUTE);
    as(ids, {
      type: 'identify',
      userId,
      traits: { email: `khach.${i}@example.com`, firstName, name: `${lastName} ${firstName}` },
    });
    ids = { anonymousId, userId };

    // Some come back later on their phone: anonymous again until they log in, then merged.
    if (random() < 0.3) {
      traffic.secondDevice += 1;
      const phone = { anonymousId: `${anonymousId}-phone` };
      later(2 * HOUR, 12 * HOUR);
      as(phone, { type: 'page', name: 'Home', properties: { path: '/', url: 'https://shop.example/' } });
      later(MINUTE, 3 * MINUTE);
      as(phone, {
        type: 'track',
        event: 'Product Viewed',
        properties: { productName: product.name, price: product.price },
      });
      later(MINUTE, 2 * MINUTE);
      as(phone, { type: 'identify', userId, traits: { email: `khach.${i}@example.com` } });
      ids = { ...phone, userId };
    }

    if (random() > 0.75) continue;
    traffic.carts += 1;
    const cartId = `cart-${i}`;
    const quantity = 1 + random.int(2);
    later(MINUTE, 3 * MINUTE);
    as(ids, {
      type: 'track',
      event: 'Cart Updated',
      properties: { cartId, productName: product.name, price: product.price, quantity },
    });
    const outcome = random();
    if (outcome < 0.35) {
      traffic.ordersSoon += 1;
      later(5 * MINUTE, 45 * MINUTE);
    } else if (outcome < 0.6) {
      traffic.ordersLater += 1;
      later(3 * HOUR, 40 * HOUR);
    } else continue;
    as(ids, {
      type: 'track',
      event: 'Order Completed',
      properties: { cartId, orderId: `order-${i}`, revenue: product.price * quantity, currency: 'VND' },
    });
  }
  calls.sort((a, b) => a.at - b.at);
  return traffic;
}
