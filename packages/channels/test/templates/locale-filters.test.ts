import { describe, expect, it } from 'vitest';
import { createTemplateRenderer, type TemplateRenderOptions } from '../../src/templates';

/*
 * Exact output of Node 20's ICU. Characters to mind: U+00A0 (no-break space) between a Vietnamese
 * amount and its symbol; vi-VN groups with "." and separates decimals with ","; en-US uses only
 * ASCII in these styles.
 */
const NBSP = '\u00a0';

const renderer = createTemplateRenderer({ locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });

async function liquid(
  source: string,
  data: Record<string, unknown> = {},
  options: TemplateRenderOptions = {},
) {
  const { content } = await renderer.render(
    {
      id: 'filters',
      channel: 'sms',
      defaultLocale: 'vi-VN',
      variants: { 'vi-VN': { text: source }, en: { text: source } },
    },
    { profile: { id: 'p', traits: {} }, data },
    options,
  );
  return content.text;
}

describe('money', () => {
  it('formats in the render’s currency and locale; VND has no minor units', async () => {
    expect(await liquid('{{ 1990000 | money }}')).toBe(`1.990.000${NBSP}₫`);
    expect(await liquid('{{ 1990000.4 | money }}')).toBe(`1.990.000${NBSP}₫`);
    expect(await liquid("{{ 19.9 | money: 'USD' }}")).toBe(`19,90${NBSP}US$`);
    expect(await liquid('{{ 19.9 | money }}', {}, { locale: 'en-US', currency: 'USD' })).toBe('$19.90');
    expect(await liquid('{{ 1990000 | money }}', {}, { locale: 'en-US' })).toBe('₫1,990,000');
  });

  it('accepts a numeric string (traits imported from CSV)', async () => {
    expect(await liquid('{{ data.price | money }}', { price: '250000' })).toBe(`250.000${NBSP}₫`);
  });

  it('refuses a currency that is not an ISO 4217 code', async () => {
    await expect(liquid("{{ 1 | money: 'dollars' }}")).rejects.toMatchObject({
      issues: [{ code: 'invalid_filter_input', filter: 'money' }],
    });
  });
});

describe('number and percent', () => {
  it('groups per locale and fixes fraction digits when asked', async () => {
    expect(await liquid('{{ 12500 | number }}')).toBe('12.500');
    expect(await liquid('{{ 3.14159 | number }}')).toBe('3,142');
    expect(await liquid('{{ 3.14159 | number: 2 }}')).toBe('3,14');
    expect(await liquid('{{ 12500 | number }}', {}, { locale: 'en-US' })).toBe('12,500');
  });

  it('formats ratios as percentages', async () => {
    expect(await liquid('{{ 0.15 | percent }}')).toBe('15%');
    expect(await liquid('{{ 0.155 | percent: 1 }}')).toBe('15,5%');
    expect(await liquid('{{ 0.155 | percent: 1 }}', {}, { locale: 'en-US' })).toBe('15.5%');
  });
});

describe('format_date', () => {
  const at = '2026-03-31T17:30:00Z';

  it('takes a style, or a date and time style pair, in the person’s time zone', async () => {
    expect(await liquid('{{ data.at | format_date }}', { at })).toBe('1 thg 4, 2026');
    expect(await liquid("{{ data.at | format_date: 'short' }}", { at })).toBe('1/4/26');
    expect(await liquid("{{ data.at | format_date: 'long' }}", { at })).toBe('1 tháng 4, 2026');
    expect(await liquid("{{ data.at | format_date: 'full' }}", { at })).toBe('Thứ Tư, 1 tháng 4, 2026');
    expect(await liquid("{{ data.at | format_date: 'medium', 'short' }}", { at })).toBe(
      '00:30 1 thg 4, 2026',
    );
    expect(await liquid("{{ data.at | format_date: time: 'short' }}", { at })).toBe('00:30');
    expect(
      await liquid(
        "{{ data.at | format_date: date: 'long', time: 'short' }}",
        { at },
        { locale: 'en-US', timezone: 'America/New_York' },
      ),
    ).toBe('March 31, 2026 at 1:30 PM');
  });

  it('accepts ISO strings, epoch milliseconds and Dates', async () => {
    const ms = Date.parse(at);
    expect(await liquid("{{ data.at | format_date: 'long' }}", { at: ms })).toBe('1 tháng 4, 2026');
    expect(await liquid("{{ data.at | format_date: 'long' }}", { at: new Date(ms) })).toBe('1 tháng 4, 2026');
  });

  it('keeps a bare calendar date on its day in every time zone', async () => {
    const day = { at: '2026-04-01' };
    expect(
      await liquid("{{ data.at | format_date: 'long' }}", day, { timezone: 'America/Los_Angeles' }),
    ).toBe('1 tháng 4, 2026');
    expect(await liquid("{{ data.at | format_date: 'long' }}", day, { timezone: 'Pacific/Kiritimati' })).toBe(
      '1 tháng 4, 2026',
    );
  });

  it('refuses what is not a date', async () => {
    await expect(liquid("{{ data.at | format_date: 'long' }}", { at: 'soon' })).rejects.toMatchObject({
      issues: [{ code: 'invalid_filter_input', filter: 'format_date' }],
    });
  });
});
