import { isCxError, ValidationError } from '@cx/core';
import { describe, expect, it } from 'vitest';
import { createTemplateRenderer, type TemplateDefinition, TemplateRenderError } from '../../src/templates';
import { welcomeEmail } from './fixtures';

async function renderError(promise: Promise<unknown>): Promise<TemplateRenderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TemplateRenderError) return error;
    throw error;
  }
  throw new Error('expected a TemplateRenderError');
}

describe('TemplateRenderError', () => {
  const renderer = createTemplateRenderer({ locale: 'vi-VN' });

  it('names the template, locale, field and variable of a missing variable', async () => {
    const error = await renderError(
      renderer.render(welcomeEmail, {
        profile: { id: 'p1', traits: {} },
        data: { coupon: 'TET2026' },
        event: { properties: { source: 'web' } },
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(isCxError(error, 'VALIDATION')).toBe(true);
    expect(error).toMatchObject({
      template: 'welcome-email',
      locale: 'vi-VN',
      field: 'subject',
      variable: 'profile.traits.firstName',
    });
    expect(error.message).toBe(
      'template welcome-email (vi-VN) subject: undefined variable profile.traits.firstName; ' +
        'text: undefined variable profile.traits.firstName',
    );
  });

  it('lists every missing variable of every field in one error', async () => {
    const error = await renderError(
      renderer.render(welcomeEmail, { profile: { id: 'p1', traits: { vip: true } }, data: {} }),
    );
    expect(
      error.issues.map((issue) => [issue.path, issue.code, issue.variable, issue.line, issue.col]),
    ).toEqual([
      // Line and column point at the variable in the field's source.
      ['subject', 'undefined_variable', 'profile.traits.firstName', 1, 9],
      ['html', 'undefined_variable', 'data.coupon', 1, 11],
      // Inside `{% if %}`: found too.
      ['html', 'undefined_variable', 'data.vipPerk', 1, 62],
      ['text', 'undefined_variable', 'profile.traits.firstName', 1, 4],
      ['text', 'undefined_variable', 'data.coupon', 1, 48],
      // No event at all: the path stops where the data stops.
      ['text', 'undefined_variable', 'event', 1, 67],
    ]);
    expect(error.toJSON()).toMatchObject({ code: 'VALIDATION', template: 'welcome-email', field: 'subject' });
  });

  it('leaves optional data to `if` and `default` (lenientIf)', async () => {
    const optional: TemplateDefinition = {
      id: 'optional',
      channel: 'sms',
      defaultLocale: 'vi-VN',
      variants: {
        'vi-VN': {
          text: 'Chào {{ profile.traits.nickname | default: "bạn" }}{% if data.coupon %}, mã {{ data.coupon }}{% endif %}',
        },
      },
    };
    const { content } = await renderer.render(optional, { profile: { id: 'p1', traits: {} }, data: {} });
    expect(content.text).toBe('Chào bạn');
  });

  it('reports an unknown filter by name', async () => {
    // Not validated (defineTemplate would refuse it at save): the renderer still reports it clearly.
    const unchecked: TemplateDefinition = {
      id: 'shout',
      channel: 'sms',
      defaultLocale: 'en',
      variants: { en: { text: 'Hi {{ profile.traits.firstName | shout }} and {{ data.x | whisper }}' } },
    };
    const error = await renderError(
      renderer.render(unchecked, { profile: { id: 'p', traits: { firstName: 'Lan' } } }),
    );
    expect(error).toMatchObject({ code: 'VALIDATION', locale: 'en', field: 'text', filter: 'shout' });
    expect(error.issues.map((issue) => [issue.code, issue.filter])).toEqual([
      ['undefined_filter', 'shout'],
      ['undefined_filter', 'whisper'],
    ]);
    expect(error.message).toBe(
      'template shout (en) text: unknown filter shout; text: unknown filter whisper',
    );
  });

  it('reports a value a filter cannot format', async () => {
    const price: TemplateDefinition = {
      id: 'price',
      channel: 'sms',
      defaultLocale: 'en',
      variants: { en: { text: '{{ data.price | money }} until {{ data.until | format_date: "longest" }}' } },
    };
    const error = await renderError(
      renderer.render(price, {
        profile: { id: 'p', traits: {} },
        data: { price: 'call us', until: '2026-01-01' },
      }),
    );
    expect(error.issues.map((issue) => [issue.code, issue.filter, issue.message])).toEqual([
      ['invalid_filter_input', 'money', 'money: expected a number, got "call us"'],
      [
        'invalid_filter_input',
        'format_date',
        'format_date: style must be one of short, medium, long, full or none, got "longest"',
      ],
    ]);
  });

  it('refuses a scope without profile traits', async () => {
    await expect(renderer.render(welcomeEmail, { profile: { id: 'p' } } as never)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'profile.traits' }],
    });
  });

  it('refuses an unknown time zone or currency for one render, and at creation', async () => {
    const scope = { profile: { id: 'p', traits: { firstName: 'Lan' } }, data: { coupon: 'A' }, event: {} };
    await expect(renderer.render(welcomeEmail, scope, { timezone: 'Mars/Olympus' })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'timezone' }],
    });
    await expect(renderer.render(welcomeEmail, scope, { currency: 'dollars' })).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'currency' }],
    });
    expect(() => createTemplateRenderer({ timezone: 'Mars/Olympus' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    expect(() => createTemplateRenderer({ locale: '??' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
  });
});
