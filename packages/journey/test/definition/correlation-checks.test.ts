import { describe, expect, it } from 'vitest';
import { validateJourney } from '../../src/definition';
import { abandonedCart, copy, npsAfterPurchase } from './fixtures';

describe('correlation checks', () => {
  it('reports a wait-for correlated on a key the entry does not provide', () => {
    const journey = copy(abandonedCart);
    journey.entry = { type: 'event', event: 'Cart Updated', where: { productName: { $exists: true } } };
    const issues = validateJourney(journey);
    expect(issues).toEqual([
      {
        path: 'nodes[1].until.correlate.cartId',
        code: 'unknown_correlation_key',
        message: 'correlation key cartId is not provided by the entry: add it to entry.correlation',
        node: 'wait-order',
      },
      {
        path: 'goals[0].correlate.cartId',
        code: 'unknown_correlation_key',
        message: 'correlation key cartId is not provided by the entry: add it to entry.correlation',
      },
    ]);
  });

  it('reads correlate as { eventProperty: correlationKey }', () => {
    const journey = copy(abandonedCart);
    // The order event calls it orderCartId; the instance's key is still cartId.
    (journey.nodes[1]!.until as Record<string, unknown>).correlate = { orderCartId: 'cartId' };
    expect(validateJourney(journey)).toEqual([]);
    (journey.nodes[1]!.until as Record<string, unknown>).correlate = { cartId: 'basketId' };
    expect(validateJourney(journey)).toEqual([
      expect.objectContaining({
        path: 'nodes[1].until.correlate.cartId',
        message: expect.stringMatching(/^correlation key basketId is not provided by the entry/),
      }),
    ]);
  });

  it('checks exit criteria too', () => {
    const journey = copy(npsAfterPurchase);
    journey.exitWhen = [
      { id: 'refunded', kind: 'event', event: 'Order Refunded', correlate: { orderId: 'order' } },
    ];
    expect(validateJourney(journey)).toEqual([
      expect.objectContaining({ path: 'exitWhen[0].correlate.orderId', code: 'unknown_correlation_key' }),
    ]);
  });

  it('lets an API entry declare correlation keys', () => {
    const journey = copy(npsAfterPurchase);
    journey.entry = { type: 'api', correlation: ['orderId'] };
    expect(validateJourney(journey)).toEqual([]);
    journey.entry = { type: 'api' };
    expect(validateJourney(journey).map((found) => found.path)).toEqual(['nodes[5].until.correlate.orderId']);
  });

  it('says a segment entry has no correlation keys', () => {
    const journey = copy(npsAfterPurchase);
    journey.entry = { type: 'segment', segment: 'recent-buyers', on: 'enter' };
    const [found] = validateJourney(journey).filter((issue) => issue.code === 'unknown_correlation_key');
    expect(found!.message).toBe(
      'correlation key orderId is not provided by the entry: a segment entry has no correlation keys',
    );
  });
});
