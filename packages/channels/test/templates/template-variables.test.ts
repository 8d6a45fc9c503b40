import { describe, expect, it } from 'vitest';
import { checkTemplate, type TemplateDefinition, templateVariables } from '../../src/templates';
import { lanScope, viewedProductEmail, welcomeEmail } from './fixtures';

describe('templateVariables', () => {
  it('lists the variables every variant and field reads, sorted, traits as profile.traits', () => {
    expect(templateVariables(viewedProductEmail)).toEqual([
      'data.pointsExpireAt',
      'event.properties.price',
      'event.properties.productName',
      'message.links.unsubscribe',
      'profile.traits.firstName',
      'profile.traits.loyaltyPoints',
    ]);
  });

  it('leaves out loop variables and assigned names, and stops a path at a dynamic index', () => {
    const receipt: TemplateDefinition = {
      id: 'receipt',
      channel: 'webhook',
      defaultLocale: 'en',
      variants: {
        en: {
          text: [
            '{% assign total = data.order.total %}{{ total | money }}',
            '{% for item in data.order.items %}{{ item.name }} {{ forloop.index }}{% endfor %}',
            '{{ data.labels[event.name] }} {{ traits["first name"] }} {{ data.order.items[0].sku }}',
            '{% if profile.traits.vip %}VIP{% endif %} {{ profile.traits.nickname | default: "you" }}',
          ].join('\n'),
          data: { orderId: '{{ data.order.id }}' },
        },
      },
    };
    expect(templateVariables(receipt)).toEqual([
      'data.labels',
      'data.order.id',
      'data.order.items',
      'data.order.items[0].sku',
      'data.order.total',
      'event.name',
      'profile.traits.nickname',
      'profile.traits.vip',
      'profile.traits["first name"]',
    ]);
  });
});

describe('checkTemplate', () => {
  it('returns no issues when every variant renders with the sample', async () => {
    expect(await checkTemplate(viewedProductEmail, lanScope())).toEqual([]);
  });

  it('dry-renders every variant and names variant, field and variable of each problem', async () => {
    const withEnglish: TemplateDefinition = {
      ...welcomeEmail,
      variants: {
        ...welcomeEmail.variants,
        en: { subject: 'Hi {{ profile.traits.firstName }}', text: 'Code {{ data.code }}' },
      },
    };
    const issues = await checkTemplate(withEnglish, {
      profile: { id: 'sample', traits: { firstName: 'Lan' } },
      data: { coupon: 'TET' },
      event: { properties: { source: 'web' } },
    });
    expect(
      issues.map((issue) => [issue.path, issue.locale, issue.field, issue.code, issue.variable]),
    ).toEqual([['variants.en.text', 'en', 'text', 'undefined_variable', 'data.code']]);
  });

  it('returns the definition’s problems without rendering when it does not validate', async () => {
    const issues = await checkTemplate(
      { ...welcomeEmail, channel: 'fax' as never, variants: { 'vi-VN': { subject: '{{ x' } } },
      lanScope(),
    );
    expect(issues.map((issue) => [issue.path, issue.code, issue.locale, issue.field])).toEqual([
      ['channel', 'invalid_definition', undefined, 'channel'],
      ['variants.vi-VN.subject', 'liquid_syntax', 'vi-VN', 'subject'],
    ]);
  });
});
