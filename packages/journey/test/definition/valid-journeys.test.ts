import { createTemplateStore } from '@cx/channels';
import { memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { checkJourney, parseJourney, validateJourney } from '../../src/definition';
import { abandonedCart, npsAfterPurchase, storedTemplates, welcomeSeries } from './fixtures';

const journeys = { abandonedCart, welcomeSeries, npsAfterPurchase };

async function templateStore() {
  const store = createTemplateStore({ storage: memoryStorage(), workspaceId: 'acme' });
  for (const template of storedTemplates) await store.save(template);
  return store;
}

describe('valid journeys', () => {
  it.each(Object.entries(journeys))('%s has no issues', (_name, journey) => {
    expect(validateJourney(journey)).toEqual([]);
  });

  it('the abandoned cart has the shape of the README', () => {
    expect(abandonedCart.entry).toEqual({
      type: 'event',
      event: 'Cart Updated',
      where: { productName: { $exists: true } },
      correlation: ['cartId'],
    });
    expect(abandonedCart.nodes.map((node) => node.type)).toEqual([
      'message',
      'wait-for',
      'message',
      'wait',
      'message',
      'exit',
    ]);
    expect(abandonedCart.nodes[4]).toMatchObject({ channels: ['zns', 'sms'], data: { coupon: 'CART10' } });
    expect(abandonedCart.goals).toEqual([
      { id: 'ordered', kind: 'event', event: 'Order Completed', correlate: { cartId: 'cartId' } },
    ]);
  });

  it.each(Object.entries(journeys))(
    '%s passes the publish-time check against its templates',
    async (_name, journey) => {
      const issues = await checkJourney(journey, {
        templates: await templateStore(),
        sampleEntry: { cartId: 'c-42', productName: 'Áo dài lụa', orderId: 'o-7', total: 1_990_000 },
        sampleTraits: { firstName: 'Lan', plan: 'pro', lastNpsScore: 10 },
      });
      expect(issues).toEqual([]);
    },
  );

  it.each(Object.entries(journeys))('%s survives a JSON round trip', (_name, journey) => {
    const json = JSON.parse(JSON.stringify(journey));
    expect(json).toEqual(journey);
    expect(parseJourney(json)).toEqual(journey);
  });
});
