import { formatPath, ValidationError, type ValidationIssue } from '@cx/core';
import { z } from 'zod';
import { type ChannelKind, channelKindSchema } from '../contract/channel-kind';
import { MAX_TEMPLATE_LENGTH } from './liquid-engine';
import { syntaxIssues } from './liquid-issues';
import { canonicalLocale } from './locale-tag';
import type { TemplateIssueCode } from './template-render-error';

/**
 * The content of one locale's variant: a Liquid string for each {@link MessageContent} field the
 * channel uses. Only `templateId` (a provider-side id, such as a Zalo ZNS template) is taken as is.
 *
 * @example
 * ```ts
 * const content: TemplateContent = {
 *   subject: 'Chào {{ profile.traits.firstName }}, quà của bạn đây',
 *   html: '<p>Mã giảm giá: <b>{{ data.coupon }}</b></p>',
 *   text: 'Mã giảm giá: {{ data.coupon }}',
 * };
 * ```
 */
export interface TemplateContent {
  subject?: string;
  /** Rendered with HTML escaping of every `{{ output }}`; `| raw` opts one out. */
  html?: string;
  text?: string;
  title?: string;
  url?: string;
  icon?: string;
  image?: string;
  /** Provider-side template id (Zalo ZNS), not Liquid. */
  templateId?: string;
  /** Values for the provider-side template, each a Liquid string. */
  templateData?: Record<string, string>;
  /** Structured payload (webhook body, push data), each value a Liquid string. */
  data?: Record<string, string>;
}

/**
 * A message template: one Liquid variant per locale, for one channel. Plain JSON, so it is stored
 * as is, sent over HTTP and kept in version control.
 *
 * @example
 * ```ts
 * const welcome: TemplateDefinition = {
 *   id: 'welcome-email',
 *   channel: 'email',
 *   defaultLocale: 'en-US',
 *   variants: {
 *     'en-US': { subject: 'Welcome, {{ profile.traits.firstName }}', text: 'Hello!' },
 *     vi: { subject: 'Chào mừng {{ profile.traits.firstName }}', text: 'Xin chào!' },
 *   },
 * };
 * ```
 */
export interface TemplateDefinition {
  /** Unique within a workspace: letters, digits, `.`, `_` and `-`, up to 128 characters. */
  id: string;
  channel: ChannelKind;
  /** A human name for dashboards. */
  name?: string;
  /** Canonical BCP 47 tag of the variant used when no other fits (`vi-VN`, `en`). */
  defaultLocale: string;
  /** Variants by canonical BCP 47 tag; a bare language (`vi`) serves every region of it. */
  variants: Record<string, TemplateContent>;
}

/** The fields of {@link TemplateContent} that hold one Liquid string. */
export const TEMPLATE_TEXT_FIELDS = ['subject', 'html', 'text', 'title', 'url', 'icon', 'image'] as const;

/**
 * What each channel needs from every variant; `a|b` needs one of them. Mirrors what the channel's
 * adapters check at send, so a template that saves can be sent.
 *
 * @example
 * ```ts
 * CHANNEL_TEMPLATE_REQUIREMENTS.email; // ['subject', 'html|text']
 * ```
 */
export const CHANNEL_TEMPLATE_REQUIREMENTS: Readonly<Record<ChannelKind, readonly string[]>> = {
  email: ['subject', 'html|text'],
  sms: ['text'],
  zns: ['templateId', 'templateData'],
  'web-push': ['title|text'],
  'mobile-push': ['title|text'],
  'in-app': ['title|text'],
  webhook: ['text|data'],
};

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** A custom zod issue with cx's own code in `params`, so the cx issue keeps it. */
function addIssue(
  ctx: z.core.$RefinementCtx,
  code: TemplateIssueCode,
  message: string,
  path: PropertyKey[] = [],
) {
  ctx.addIssue({ code: 'custom', message, path, params: { cxCode: code } });
}

/** A string that must parse as Liquid; syntax errors become issues at its own path. */
const liquidString = z
  .string()
  .max(MAX_TEMPLATE_LENGTH)
  .superRefine((source, ctx) => {
    // Plain text (no delimiters) cannot fail to parse: skip the parser for it.
    if (!source.includes('{')) return;
    for (const issue of syntaxIssues(source, '')) addIssue(ctx, issue.code, issue.message);
  });

const liquidRecord = z.record(z.string().min(1).max(128), liquidString);

/** zod schema of {@link TemplateContent}: the shape, and that every Liquid string parses. */
export const templateContentSchema: z.ZodType<TemplateContent> = z.strictObject({
  subject: liquidString.optional(),
  html: liquidString.optional(),
  text: liquidString.optional(),
  title: liquidString.optional(),
  url: liquidString.optional(),
  icon: liquidString.optional(),
  image: liquidString.optional(),
  templateId: z.string().min(1).max(256).optional(),
  templateData: liquidRecord.optional(),
  data: liquidRecord.optional(),
});

function localeProblem(tag: string): string | undefined {
  const canonical = canonicalLocale(tag);
  if (canonical === null) return `${JSON.stringify(tag)} is not a BCP 47 language tag such as vi-VN`;
  if (canonical !== tag) return `write the locale ${JSON.stringify(tag)} as ${canonical}`;
  return undefined;
}

function present(content: TemplateContent, field: string): boolean {
  const value = content[field as keyof TemplateContent];
  return value !== undefined && value !== '';
}

/**
 * zod schema of {@link TemplateDefinition}. Besides the shape it checks that every Liquid string
 * parses (unknown tags and filters included), that locales are canonical BCP 47 tags, that the
 * default locale has a variant, and that every variant has what its channel needs. Every problem
 * is reported at once, each at its path (`variants.vi-VN.subject`).
 *
 * @example
 * ```ts
 * const result = templateDefinitionSchema.safeParse(json);
 * if (!result.success) console.log(result.error.issues.map((issue) => issue.path.join('.')));
 * ```
 */
export const templateDefinitionSchema: z.ZodType<TemplateDefinition> = z
  .strictObject({
    id: z.string().regex(ID, 'must be letters, digits, ".", "_" or "-", up to 128 characters'),
    channel: channelKindSchema,
    name: z.string().min(1).max(200).optional(),
    defaultLocale: z.string().superRefine((tag, ctx) => {
      const problem = localeProblem(tag);
      if (problem !== undefined) addIssue(ctx, 'invalid_locale', problem);
    }),
    variants: z.record(z.string(), templateContentSchema),
  })
  .superRefine((definition, ctx) => {
    const locales = Object.keys(definition.variants);
    if (locales.length === 0)
      addIssue(ctx, 'missing_field', 'a template needs at least one variant', ['variants']);
    else if (!Object.hasOwn(definition.variants, definition.defaultLocale)) {
      addIssue(ctx, 'missing_field', `the default locale ${definition.defaultLocale} has no variant`, [
        'variants',
        definition.defaultLocale,
      ]);
    }
    for (const locale of locales) {
      const problem = localeProblem(locale);
      if (problem !== undefined) addIssue(ctx, 'invalid_locale', problem, ['variants', locale]);
      const content = definition.variants[locale] as TemplateContent;
      for (const group of CHANNEL_TEMPLATE_REQUIREMENTS[definition.channel]) {
        const fields = group.split('|');
        if (fields.some((field) => present(content, field))) continue;
        addIssue(ctx, 'missing_field', `${definition.channel} needs ${fields.join(' or ')}`, [
          'variants',
          locale,
          fields[0] ?? group,
        ]);
      }
    }
  });

/** zod issues as cx issues, keeping the cx code a refinement put in `params`. */
function toIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.map((issue) => {
    const cxCode =
      issue.code === 'custom' ? (issue.params as { cxCode?: string } | undefined)?.cxCode : undefined;
    return { path: formatPath(issue.path), message: issue.message, code: cxCode ?? issue.code };
  });
}

/**
 * Checks a template definition and returns it, or throws one `ValidationError` listing every
 * problem: shape, Liquid syntax (with line and column), locales, the default variant and what the
 * channel needs. Issue codes: zod's for shape problems, `liquid_syntax`, `undefined_filter`,
 * `invalid_locale` and `missing_field` for the rest.
 *
 * @example
 * ```ts
 * const smsOtp = defineTemplate({
 *   id: 'otp-sms',
 *   channel: 'sms',
 *   defaultLocale: 'vi-VN',
 *   variants: { 'vi-VN': { text: 'Mã xác thực của bạn: {{ data.code }}' } },
 * });
 * ```
 */
export function defineTemplate(definition: TemplateDefinition): TemplateDefinition {
  const result = templateDefinitionSchema.safeParse(definition);
  if (result.success) return result.data;
  const issues = toIssues(result.error.issues);
  const id = typeof (definition as { id?: unknown })?.id === 'string' ? ` ${definition.id}` : '';
  const summary = issues
    .slice(0, 5)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  throw new ValidationError(`Invalid template${id}: ${summary}${more}`, issues, { cause: result.error });
}

/**
 * The JSON Schema (draft 2020-12) of a {@link TemplateDefinition}, for editors, OpenAPI documents
 * and other languages. It describes the shape only; Liquid syntax and channel rules are checked by
 * {@link defineTemplate}.
 *
 * @example
 * ```ts
 * const schema = templateDefinitionJsonSchema();
 * schema.required; // ['id', 'channel', 'defaultLocale', 'variants']
 * ```
 */
export function templateDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(templateDefinitionSchema, { unrepresentable: 'any' }) as Record<string, unknown>;
}
