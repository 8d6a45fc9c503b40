import type { CxEvent } from '@cx/core';
import { seededRandom } from '@cx/core';
import { DAY, START, track } from '../runtime/runtime-fixtures';

const HOUR = 3_600_000;

/** A generated shop history: the events and the traits of the people in it. */
export interface GeneratedHistory {
  events: CxEvent[];
  profiles: Record<string, { firstName: string }>;
}

/**
 * A seeded shop history: `people` people over ten days, each updating one to three carts (some
 * updates twice, some without a product, which enter nobody). Of the carts, some are ordered
 * within the day, some are followed by an order of another cart, some are ordered days later
 * (after the reminder), the rest never. Events come back in log order, which is not quite time
 * order: late events are appended after later ones, as a real log has them.
 */
export function generatedHistory(seed: number, people = 200): GeneratedHistory {
  const random = seededRandom(seed);
  const begin = Date.parse(START) + HOUR;
  const events: CxEvent[] = [];
  const profiles: GeneratedHistory['profiles'] = {};
  for (let person = 0; person < people; person++) {
    const id = `p${String(person).padStart(3, '0')}`;
    profiles[id] = { firstName: `Person ${person}` };
    const carts = 1 + random.int(3);
    for (let cart = 0; cart < carts; cart++) {
      const cartId = `${id}-c${cart}`;
      const at = begin + random.int(10 * DAY);
      const product = random() < 0.9 ? { productName: `Product ${random.int(50)}` } : {};
      events.push(track(id, at, 'Cart Updated', { cartId, ...product }));
      if (random() < 0.3)
        events.push(track(id, at + random.int(6 * HOUR), 'Cart Updated', { cartId, ...product }));
      const outcome = random();
      if (outcome < 0.3) {
        events.push(track(id, at + 1 + random.int(20 * HOUR), 'Order Completed', { cartId }));
      } else if (outcome < 0.45) {
        events.push(track(id, at + 1 + random.int(20 * HOUR), 'Order Completed', { cartId: `${id}-other` }));
      } else if (outcome < 0.65) {
        events.push(track(id, at + DAY + HOUR + random.int(2 * DAY), 'Order Completed', { cartId }));
      }
    }
  }
  return { events, profiles };
}
