import { createTemplateStore, type TemplateDefinition } from '@cx/channels';
import { memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  checkJourney,
  checkJourneyTemplates,
  type JourneyDefinition,
  parseJourney,
  validateJourney,
} from '../../src/definition';
import { abandonedCart, cartEmail, copy, npsAfterPurchase, storedTemplates, welcomeSeries } from './fixtures';

const issue = (path: string, code: string) => expect.objectContaining({ path, code });
const byId = Object.fromEntries(storedTemplates.map((template) => [template.id, template]));

/** The abandoned cart with an entry that promises nothing about the product. */
function cartWithoutProduct(): JourneyDefinition {
  const journey = copy(abandonedCart);
  journey.entry = { type: 'event', event: 'Cart Updated', correlation: ['cartId'] };
  return journey as unknown as JourneyDefinition;
}

describe('message checks without a template store', () => {
  it('reports a template reading an entry property the entry does not provide', () => {
    const issues = validateJourney(cartWithoutProduct());
    expect(issues).toEqual([
      {
        path: 'nodes[0].templates.web-push',
        code: 'entry_property_missing',
        message: expect.stringMatching(
          /^template cart-push reads event\.properties\.productName, which the entry does not provide/,
        ),
        template: 'cart-push',
        node: 'push',
      },
      {
        path: 'nodes[2].templates.email',
        code: 'entry_property_missing',
        message: expect.stringMatching(
          /^template cart-email reads event\.properties\.productName, which the entry does not provide/,
        ),
        template: 'cart-email',
        node: 'email',
      },
    ]);
  });

  it('counts what the sample entry provides', () => {
    expect(validateJourney(cartWithoutProduct(), { sampleEntry: { productName: 'Áo dài' } })).toEqual([]);
  });

  it('does not count a where that holds without the property', () => {
    const journey = copy(abandonedCart);
    journey.entry = {
      type: 'event',
      event: 'Cart Updated',
      where: { $or: [{ productName: { $exists: true } }, { total: { $gt: 0 } }], coupon: { $exists: false } },
      correlation: ['cartId'],
    };
    expect(validateJourney(journey).map((found) => found.code)).toEqual([
      'entry_property_missing',
      'entry_property_missing',
    ]);
  });

  it('does not count a correlation key as a property every entry has', () => {
    // An entry event without cartId still enters (without the key): only where guarantees it.
    const journey = copy(abandonedCart);
    const push = (
      journey.nodes[0]!.templates as Record<string, { variants: Record<string, { text?: string }> }>
    )['web-push']!;
    push.variants.vi!.text = 'Giỏ {{ event.properties.cartId }}';
    expect(validateJourney(journey)).toEqual([
      issue('nodes[0].templates.web-push', 'entry_property_missing'),
    ]);
    journey.entry = {
      ...(journey.entry as object),
      where: { productName: { $exists: true }, cartId: { $exists: true } },
    };
    expect(validateJourney(journey)).toEqual([]);
  });

  it('requires a template for every channel of the chain', () => {
    const journey = copy(abandonedCart);
    delete (journey.nodes[4]!.templates as Record<string, unknown>).sms;
    expect(validateJourney(journey)).toEqual([
      {
        path: 'nodes[4].templates.sms',
        code: 'missing_template',
        message: 'No template for sms, which is in the channel chain (zns → sms)',
        node: 'zns',
      },
    ]);
  });

  it('refuses an inline template written for another channel', () => {
    const journey = copy(abandonedCart);
    (journey.nodes[2]!.templates as Record<string, unknown>) = { email: { ...cartEmail, channel: 'sms' } };
    expect(validateJourney(journey)).toContainEqual(
      issue('nodes[2].templates.email.channel', 'template_channel_mismatch'),
    );
  });
});

describe('checkJourneyTemplates', () => {
  it('reports a template id missing from the store', async () => {
    const journey = copy(abandonedCart);
    (journey.nodes[4]!.templates as Record<string, unknown>).sms = 'cart-sms-v2';
    const issues = await checkJourneyTemplates(journey as unknown as JourneyDefinition, { templates: byId });
    expect(issues).toEqual([
      {
        path: 'nodes[4].templates.sms',
        code: 'unknown_template',
        message: 'template cart-sms-v2 does not exist',
        template: 'cart-sms-v2',
        node: 'zns',
      },
    ]);
  });

  it('reports a stored template for another channel', async () => {
    const journey = copy(abandonedCart);
    (journey.nodes[4]!.templates as Record<string, unknown>).sms = 'welcome-email';
    const issues = await checkJourneyTemplates(journey as unknown as JourneyDefinition, { templates: byId });
    expect(issues).toEqual([issue('nodes[4].templates.sms', 'template_channel_mismatch')]);
  });

  it('checks what stored templates read from the entry', async () => {
    const journey = copy(npsAfterPurchase);
    journey.entry = { type: 'event', event: 'Order Completed' };
    journey.nodes[5]!.until = { kind: 'event', event: 'Survey Answered' };
    const issues = await checkJourneyTemplates(journey as unknown as JourneyDefinition, { templates: byId });
    expect(issues.map((found) => [found.path, found.code, found.template])).toEqual([
      ['nodes[3].templates.email', 'entry_property_missing', 'nps-email'],
      ['nodes[4].templates.zns', 'entry_property_missing', 'nps-zns'],
      ['nodes[4].templates.sms', 'entry_property_missing', 'nps-sms'],
    ]);
  });

  it('dry-renders with the node data, and reports what the data lacks', async () => {
    const journey = copy(abandonedCart);
    delete journey.nodes[4]!.data;
    const issues = await checkJourneyTemplates(journey as unknown as JourneyDefinition, {
      templates: byId,
      sampleEntry: { cartId: 'c-1', productName: 'Áo dài' },
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'nodes[4].templates.zns.variants.vi.templateData.coupon',
        code: 'undefined_variable',
        template: 'cart-zns',
      }),
      expect.objectContaining({
        path: 'nodes[4].templates.sms',
        code: 'undefined_variable',
        message: 'template cart-sms variants.vi.text: undefined variable data.coupon',
        template: 'cart-sms',
      }),
    ]);
    expect(
      await checkJourneyTemplates(journey as unknown as JourneyDefinition, {
        templates: byId,
        sampleData: { coupon: 'FROM-AN-EARLIER-NODE' },
      }),
    ).toEqual([]);
  });

  it('reports missing traits only when sample traits are given', async () => {
    const options = { templates: byId };
    expect(await checkJourneyTemplates(welcomeSeries, options)).toEqual([]);
    const issues = await checkJourneyTemplates(welcomeSeries, { ...options, sampleTraits: { plan: 'pro' } });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'nodes[0].templates.email',
        code: 'undefined_variable',
        message: 'template welcome-email variants.en.subject: undefined variable profile.traits.firstName',
      }),
    ]);
  });

  it('reports a filter that cannot format the sample value', async () => {
    const priced: TemplateDefinition = {
      id: 'cart-price',
      channel: 'sms',
      defaultLocale: 'vi-VN',
      variants: { 'vi-VN': { text: 'Tổng: {{ event.properties.total | money }}' } },
    };
    const journey = copy(abandonedCart);
    (journey.nodes[4]!.templates as Record<string, unknown>).sms = priced;
    journey.entry = {
      ...(journey.entry as object),
      where: { productName: { $exists: true }, total: { $gt: 0 } },
    };
    const issues = await checkJourneyTemplates(journey as unknown as JourneyDefinition, {
      sampleEntry: { total: 'a lot' },
      render: { currency: 'VND' },
    });
    expect(issues).toEqual([issue('nodes[4].templates.sms.variants.vi-VN.text', 'invalid_filter_input')]);
  });

  it('looks templates up in a TemplateStore', async () => {
    const store = createTemplateStore({ storage: memoryStorage(), workspaceId: 'acme' });
    await store.save(storedTemplates[0]!);
    expect(await checkJourneyTemplates(abandonedCart, { templates: store })).toEqual([]);
    const journey = copy(abandonedCart);
    (journey.nodes[4]!.templates as Record<string, unknown>).sms = 'nope';
    expect(
      await checkJourneyTemplates(journey as unknown as JourneyDefinition, { templates: store }),
    ).toEqual([issue('nodes[4].templates.sms', 'unknown_template')]);
  });

  it('skips templates given by id without a store', async () => {
    expect(await checkJourneyTemplates(npsAfterPurchase)).toEqual([]);
  });
});

describe('checkJourney', () => {
  it('reports the sync and the async problems together, each once', async () => {
    const journey = cartWithoutProduct() as unknown as ReturnType<typeof copy>;
    journey.nodes[1]!.onTimeout = 'emial';
    (journey.nodes[4]!.templates as Record<string, unknown>).sms = 'nope';
    const issues = await checkJourney(journey, { templates: byId });
    expect(issues.map((found) => `${found.path} ${found.code}`)).toEqual([
      'nodes[1].onTimeout unknown_node',
      'nodes[2] unreachable_node',
      'nodes[3] unreachable_node',
      'nodes[4] unreachable_node',
      'nodes[0].templates.web-push entry_property_missing',
      'nodes[2].templates.email entry_property_missing',
      'nodes[4].templates.sms unknown_template',
    ]);
  });

  it('leaves defineJourney-style parsing untouched', () => {
    expect(parseJourney(abandonedCart)).toEqual(abandonedCart);
  });
});
