import { describe, expect, it } from 'vitest';
import type { ChannelKind } from '../../src/contract/channel-kind';
import {
  CHANNEL_TEMPLATE_REQUIREMENTS,
  defineTemplate,
  type TemplateContent,
  type TemplateDefinition,
  templateDefinitionJsonSchema,
  templateDefinitionSchema,
} from '../../src/templates';
import { viewedProductEmail } from './fixtures';

function validationIssues(definition: unknown) {
  try {
    defineTemplate(definition as TemplateDefinition);
  } catch (error) {
    expect(error).toMatchObject({ code: 'VALIDATION' });
    return (error as { issues: { path: string; code: string; message: string }[] }).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('defineTemplate', () => {
  it('accepts a valid definition and returns it', () => {
    expect(defineTemplate(viewedProductEmail)).toEqual(viewedProductEmail);
    expect(templateDefinitionSchema.safeParse(viewedProductEmail).success).toBe(true);
  });

  it('reports every Liquid syntax error at once, with the field path and line and column', () => {
    const issues = validationIssues({
      ...viewedProductEmail,
      variants: {
        'vi-VN': {
          subject: 'Chào {{ profile.traits.firstName ',
          html: '<p>ok</p>\n{% if data.vip %}\n<p>VIP</p>',
          text: '{{ data.a | shout }} {{ data.b | money }} {{ data.c | whisper }}',
        },
        en: { subject: 'Hi', text: '{% include "secrets.txt" %}', templateData: { x: '{{ }' } },
      },
    });
    expect(issues.map((issue) => [issue.path, issue.code, issue.message])).toEqual([
      [
        'variants.vi-VN.subject',
        'liquid_syntax',
        'output "{{ profile.traits.firstName " not closed (line 1, col 6)',
      ],
      ['variants.vi-VN.html', 'liquid_syntax', 'tag {% if data.vip %} not closed (line 2, col 1)'],
      ['variants.vi-VN.text', 'undefined_filter', 'unknown filter shout'],
      ['variants.vi-VN.text', 'undefined_filter', 'unknown filter whisper'],
      // File tags are gone: templates cannot read the server's disk.
      ['variants.en.text', 'liquid_syntax', 'tag "include" not found (line 1, col 1)'],
      ['variants.en.templateData.x', 'liquid_syntax', 'output "{{ }" not closed (line 1, col 1)'],
    ]);
  });

  it('needs a variant for the default locale and canonical BCP 47 locales', () => {
    expect(
      validationIssues({
        id: 'x',
        channel: 'sms',
        defaultLocale: 'en-US',
        variants: { vi_VN: { text: 'a' }, 'vi-vn': { text: 'b' }, '??': { text: 'c' } },
      }).map((issue) => [issue.path, issue.code, issue.message]),
    ).toEqual([
      ['variants.en-US', 'missing_field', 'the default locale en-US has no variant'],
      ['variants.vi_VN', 'invalid_locale', 'write the locale "vi_VN" as vi-VN'],
      ['variants.vi-vn', 'invalid_locale', 'write the locale "vi-vn" as vi-VN'],
      ['variants.??', 'invalid_locale', '"??" is not a BCP 47 language tag such as vi-VN'],
    ]);
    expect(validationIssues({ id: 'x', channel: 'sms', defaultLocale: 'en', variants: {} })).toEqual([
      expect.objectContaining({ path: 'variants', code: 'missing_field' }),
    ]);
  });

  it('checks what each channel needs in every variant', () => {
    const cases: Array<[ChannelKind, TemplateContent, TemplateContent, string[]]> = [
      ['email', { subject: 's', html: '<p>h</p>' }, { html: '<p>h</p>' }, ['subject']],
      ['email', { subject: 's', text: 't' }, { subject: 's' }, ['html']],
      ['sms', { text: 't' }, { title: 't' }, ['text']],
      ['zns', { templateId: '1', templateData: { a: 'b' } }, { templateData: { a: 'b' } }, ['templateId']],
      ['zns', { templateId: '1', templateData: {} }, { templateId: '1' }, ['templateData']],
      ['web-push', { title: 't' }, { url: 'https://x' }, ['title']],
      ['mobile-push', { text: 't' }, { image: 'i' }, ['title']],
      ['in-app', { title: 't' }, { title: '' }, ['title']],
      ['webhook', { data: { a: '{{ data.a }}' } }, { subject: 's' }, ['text']],
    ];
    for (const [channel, good, bad, missing] of cases) {
      const definition = { id: 't', channel, defaultLocale: 'en', variants: { en: good } };
      expect(() => defineTemplate(definition), channel).not.toThrow();
      const issues = validationIssues({ ...definition, variants: { en: good, vi: bad } });
      expect(
        issues.map((issue) => issue.path),
        channel,
      ).toEqual(missing.map((field) => `variants.vi.${field}`));
      expect(issues[0]?.message, channel).toBe(
        `${channel} needs ${(CHANNEL_TEMPLATE_REQUIREMENTS[channel].find((group) => group.startsWith(missing[0] as string)) as string).split('|').join(' or ')}`,
      );
    }
  });

  it('reports shape problems with zod’s codes, alongside Liquid problems', () => {
    const issues = validationIssues({
      id: 'bad id!',
      channel: 'fax',
      defaultLocale: 'en',
      variants: { en: { text: '{{ x', subject: 3, extra: 'x' } },
    });
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['id', 'invalid_format'],
      ['channel', 'invalid_value'],
      ['variants.en.subject', 'invalid_type'],
      ['variants.en.text', 'liquid_syntax'],
      ['variants.en', 'unrecognized_keys'],
    ]);
  });

  it('has a JSON Schema of the shape', () => {
    const schema = templateDefinitionJsonSchema();
    expect(schema).toMatchObject({
      type: 'object',
      required: ['id', 'channel', 'defaultLocale', 'variants'],
    });
    expect(JSON.parse(JSON.stringify(viewedProductEmail))).toEqual(viewedProductEmail);
  });
});
