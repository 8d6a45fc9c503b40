import { Liquid } from 'liquidjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTemplateRenderer, type TemplateDefinition } from '../../src/templates';
import { lanScope, UNSUBSCRIBE, viewedProductEmail, welcomeEmail } from './fixtures';

/*
 * Expected strings are exactly what Node 20's ICU (CLDR 4x) produces. Intl puts a U+00A0 no-break
 * space between a Vietnamese amount and its symbol ("1.990.000\u00a0₫", "19,90\u00a0US$"), and
 * groups with "." in vi-VN; French groups with a U+202F narrow no-break space ("1\u202f234,5");
 * the en-US and vi-VN date styles used here contain only ASCII spaces.
 */
const NBSP = '\u00a0';
const NNBSP = '\u202f';

const vietnam = () =>
  createTemplateRenderer({ locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });

describe('createTemplateRenderer: a personalised vi-VN marketing email', () => {
  it('renders name, product, price, points, expiry date and unsubscribe link', async () => {
    const rendered = await vietnam().render(viewedProductEmail, lanScope());

    expect(rendered.locale).toBe('vi-VN');
    expect(rendered.match).toBe('exact');
    expect(rendered.format).toEqual({ locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });
    expect(rendered.content.subject).toBe('Lan ơi, Áo dài lụa vẫn chờ bạn');
    expect(rendered.content.html).toBe(
      [
        '<p>Chào Lan,</p>',
        `<p>Áo dài lụa chỉ còn 1.990.000${NBSP}₫.</p>`,
        '<p>Bạn có 12.500 điểm, hết hạn ngày 1 tháng 4, 2026.</p>',
        // HTML output is escaped: the link's `&` becomes `&amp;`, as an attribute needs.
        '<a href="https://cx.example/u?t=abc123&amp;c=email">Hủy đăng ký</a>',
      ].join('\n'),
    );
    expect(rendered.content.text).toBe(
      [
        'Chào Lan,',
        `Áo dài lụa: 1.990.000${NBSP}₫.`,
        'Điểm: 12.500, hết hạn 1 tháng 4, 2026.',
        `Hủy đăng ký: ${UNSUBSCRIBE}`,
      ].join('\n'),
    );
    expect(Object.keys(rendered.content).sort()).toEqual(['html', 'subject', 'text']);
  });

  it('formats the expiry in the person’s time zone: another calendar date in New York', async () => {
    const renderer = vietnam();
    const hcm = await renderer.render(viewedProductEmail, lanScope(), { timezone: 'Asia/Ho_Chi_Minh' });
    const newYork = await renderer.render(viewedProductEmail, lanScope(), { timezone: 'America/New_York' });
    expect(hcm.content.text).toContain('hết hạn 1 tháng 4, 2026.');
    expect(newYork.content.text).toContain('hết hạn 31 tháng 3, 2026.');
  });

  it('formats per render: another currency and locale on the same renderer', async () => {
    const rendered = await vietnam().render(viewedProductEmail, lanScope(), {
      locale: 'en-US',
      currency: 'USD',
      timezone: 'America/New_York',
    });
    expect(rendered.locale).toBe('en');
    expect(rendered.match).toBe('language');
    expect(rendered.content.subject).toBe('Lan, Áo dài lụa is still waiting');
    expect(rendered.content.text).toBe(
      `Now $1,990,000.00. 12,500 points expire on March 31, 2026. Unsubscribe: ${UNSUBSCRIBE}`,
    );
  });

  it('renders only the fields the variant has, and templateData and data values as strings', async () => {
    const zns: TemplateDefinition = {
      id: 'order-zns',
      channel: 'zns',
      defaultLocale: 'vi-VN',
      variants: {
        'vi-VN': {
          templateId: '248079',
          templateData: { customer_name: '{{ traits.firstName }}', total: '{{ data.total | money }}' },
          data: { plain: 'no liquid here' },
        },
      },
    };
    const { content } = await vietnam().render(zns, lanScope({ data: { total: 250_000 } }));
    expect(content).toEqual({
      templateId: '248079',
      templateData: { customer_name: 'Lan', total: `250.000${NBSP}₫` },
      data: { plain: 'no liquid here' },
    });
  });

  it('makes the built-in date filter follow the person’s time zone too', async () => {
    const sms: TemplateDefinition = {
      id: 'date-sms',
      channel: 'sms',
      defaultLocale: 'vi-VN',
      variants: { 'vi-VN': { text: '{{ data.at | date: "%Y-%m-%d %H:%M" }}' } },
    };
    const renderer = vietnam();
    const scope = lanScope({ data: { at: '2026-03-31T17:30:00Z' } });
    expect((await renderer.render(sms, scope)).content.text).toBe('2026-04-01 00:30');
    expect((await renderer.render(sms, scope, { timezone: 'America/New_York' })).content.text).toBe(
      '2026-03-31 13:30',
    );
  });
});

describe('HTML escaping and property access', () => {
  const xss: TemplateDefinition = {
    id: 'xss',
    channel: 'email',
    defaultLocale: 'en',
    variants: {
      en: {
        subject: 'Hi {{ traits.firstName }}',
        html: '<p>Hi {{ traits.firstName }}</p><div>{{ data.banner | raw }}</div>',
        text: 'Hi {{ traits.firstName }}',
      },
    },
  };

  it('escapes a trait containing <script> in html, but not in subject and text', async () => {
    const name = '<script>alert("x")</script>';
    const { content } = await createTemplateRenderer().render(
      xss,
      lanScope({ profile: { id: 'p1', traits: { firstName: name } }, data: { banner: '<b>Sale</b>' } }),
    );
    expect(content.html).toBe(
      '<p>Hi &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p><div><b>Sale</b></div>',
    );
    expect(content.subject).toBe(`Hi ${name}`);
    expect(content.text).toBe(`Hi ${name}`);
  });

  it('reads own properties only: no constructor, prototype or inherited values', async () => {
    const renderer = createTemplateRenderer();
    const probe = (expression: string, data: Record<string, unknown>) =>
      renderer.render(
        {
          id: 'probe',
          channel: 'sms',
          defaultLocale: 'en',
          variants: { en: { text: `{{ ${expression} }}` } },
        },
        lanScope({ data }),
      );
    for (const expression of [
      'profile.traits.constructor',
      'profile.traits.constructor.name',
      'data.__proto__',
      'data.toString',
      'data.items.constructor',
      'data.inherited',
    ]) {
      const data = Object.assign(Object.create({ inherited: 'from the prototype' }), { items: [1, 2] });
      await expect(probe(expression, data), expression).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [expect.objectContaining({ code: 'undefined_variable' })],
      });
    }
    // Liquid's own array properties still work.
    expect((await probe('data.items.size', { items: [1, 2] })).content.text).toBe('2');
  });

  it('stops a runaway loop at the memory bound instead of hanging', async () => {
    const loop: TemplateDefinition = {
      id: 'loop',
      channel: 'sms',
      defaultLocale: 'en',
      variants: { en: { text: '{% for i in (1..1000000000) %}x{% endfor %}' } },
    };
    await expect(createTemplateRenderer().render(loop, lanScope())).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ code: 'render_error', field: 'text', message: expect.stringContaining('limit exceeded') }],
    });
  });

  it('never writes into the caller’s scope', async () => {
    const counter: TemplateDefinition = {
      id: 'counter',
      channel: 'sms',
      defaultLocale: 'en',
      variants: {
        en: { text: '{% increment data %}{% increment profile %}{% assign traits = 1 %}{{ traits }}' },
      },
    };
    const scope = lanScope();
    const before = structuredClone(scope);
    expect((await createTemplateRenderer().render(counter, scope)).content.text).toBe('001');
    expect(scope).toEqual(before);
  });
});

describe('variant choice', () => {
  const multi: TemplateDefinition = {
    id: 'multi',
    channel: 'sms',
    defaultLocale: 'en-US',
    variants: {
      'en-US': { text: 'en-US {{ data.n | number }}' },
      vi: { text: 'vi {{ data.n | number }}' },
      'fr-CA': { text: 'fr-CA {{ data.n | number }}' },
    },
  };
  const renderer = createTemplateRenderer();
  const scope = lanScope({ data: { n: 1234.5 } });
  const pick = async (locale?: string) => {
    const rendered = await renderer.render(multi, scope, locale === undefined ? {} : { locale });
    return [rendered.locale, rendered.match, rendered.content.text];
  };

  it('takes the exact locale, then the language, then the default', async () => {
    expect(await pick('en-US')).toEqual(['en-US', 'exact', 'en-US 1,234.5']);
    // vi-VN → vi, formatted in the person's vi-VN.
    expect(await pick('vi-VN')).toEqual(['vi', 'language', 'vi 1.234,5']);
    // fr-FR → another region of French; French groups thousands with U+202F (narrow no-break space).
    expect(await pick('fr-FR')).toEqual(['fr-CA', 'language', `fr-CA 1${NNBSP}234,5`]);
    // en-GB → the default is English too; formatted as the person's en-GB.
    expect(await pick('en-GB')).toEqual(['en-US', 'language', 'en-US 1,234.5']);
    // de-DE → no German: the default, formatted in its own en-US (not German numbers in English text).
    expect(await pick('de-DE')).toEqual(['en-US', 'default', 'en-US 1,234.5']);
  });

  it('compares tags in canonical form and uses the renderer’s locale when none is given', async () => {
    expect(await pick('vi_vn')).toEqual(['vi', 'language', 'vi 1.234,5']);
    expect(await pick()).toEqual(['en-US', 'exact', 'en-US 1,234.5']);
    const vietnamese = createTemplateRenderer({ locale: 'vi-VN' });
    expect((await vietnamese.render(multi, scope)).locale).toBe('vi');
  });

  it('rejects a locale that is not a language tag', async () => {
    await expect(pick('not a locale!')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('parse cache', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses a variant once; later renders reuse the parsed templates', async () => {
    const renderer = vietnam();
    await renderer.render(viewedProductEmail, lanScope());
    expect(renderer.stats()).toMatchObject({ parses: 1, cacheHits: 0, cached: 1 });

    const parse = vi.spyOn(Liquid.prototype, 'parse');
    const again = await renderer.render(viewedProductEmail, lanScope());
    expect(again.content.subject).toBe('Lan ơi, Áo dài lụa vẫn chờ bạn');
    expect(parse).not.toHaveBeenCalled();
    expect(renderer.stats()).toMatchObject({ parses: 1, cacheHits: 1 });
  });

  it('finds the parse by id and content hash for an equal definition read afresh', async () => {
    const renderer = vietnam();
    await renderer.render(
      welcomeEmail,
      lanScope({
        data: { coupon: 'A' },
        profile: { id: 'p', traits: { firstName: 'Lan' } },
        event: { properties: { source: 'web' } },
      }),
    );
    const copy = structuredClone(welcomeEmail);
    const parse = vi.spyOn(Liquid.prototype, 'parse');
    await renderer.render(
      copy,
      lanScope({
        data: { coupon: 'A' },
        profile: { id: 'p', traits: { firstName: 'Lan' } },
        event: { properties: { source: 'web' } },
      }),
    );
    expect(parse).not.toHaveBeenCalled();
    expect(renderer.stats()).toMatchObject({ parses: 1, cacheHits: 1 });
  });

  it('parses again when the content changes, even when edited in place', async () => {
    const renderer = createTemplateRenderer();
    const draft: TemplateDefinition = structuredClone({
      id: 'draft',
      channel: 'sms',
      defaultLocale: 'en',
      variants: { en: { text: 'one {{ data.n }}' } },
    });
    const scope = lanScope({ data: { n: 1 } });
    expect((await renderer.render(draft, scope)).content.text).toBe('one 1');
    (draft.variants['en'] as { text: string }).text = 'two {{ data.n }}';
    expect((await renderer.render(draft, scope)).content.text).toBe('two 1');
    expect(renderer.stats()).toMatchObject({ parses: 2, cacheHits: 0, cached: 2 });
  });
});
