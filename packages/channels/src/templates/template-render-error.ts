import { ValidationError, type ValidationIssue } from '@cx/core';

/** Every {@link TemplateIssueCode}. */
export const TEMPLATE_ISSUE_CODES = [
  'undefined_variable',
  'undefined_filter',
  'liquid_syntax',
  'invalid_filter_input',
  'render_error',
  'missing_field',
  'invalid_locale',
  'invalid_definition',
] as const;

/**
 * What went wrong in a template:
 * - `undefined_variable`: the template reads a value the scope does not have;
 * - `undefined_filter`: `{{ x | no_such_filter }}`;
 * - `liquid_syntax`: the template does not parse (an unclosed tag, an unknown tag);
 * - `invalid_filter_input`: a filter got a value it cannot format (`{{ 'abc' | money }}`);
 * - `render_error`: anything else liquidjs reports while rendering (a render limit, a bad loop);
 * - `missing_field`: the channel needs a field the variant lacks, or the default locale has no variant;
 * - `invalid_locale`: a locale is not a canonical BCP 47 tag;
 * - `invalid_definition`: the definition's shape is wrong (from `checkTemplate`).
 */
export type TemplateIssueCode = (typeof TEMPLATE_ISSUE_CODES)[number];

/** One problem of one field of a template, with where it is. */
export interface TemplateIssue extends ValidationIssue {
  code: TemplateIssueCode;
  /** The content field: `subject`, `html`, `templateData.name`, `data.orderId`. */
  field: string;
  /** The variant's locale, where the issue belongs to one (checks across variants). */
  locale?: string;
  /** For `undefined_variable`: the path up to the first missing part (`profile.traits.firstName`). */
  variable?: string;
  /** For `undefined_filter` and `invalid_filter_input`: the filter's name. */
  filter?: string;
  /** 1-based line in the field's source, where liquidjs knows it. */
  line?: number;
  /** 1-based column in the field's source, where liquidjs knows it. */
  col?: number;
}

/** Options of {@link TemplateRenderError}. */
export interface TemplateRenderErrorOptions {
  /** The template's id. */
  template: string;
  /** The locale of the variant that was rendered. */
  locale: string;
  /** Every problem found, at least one. */
  issues: readonly TemplateIssue[];
  cause?: unknown;
}

const SHOWN = 5;

/**
 * A template could not be rendered for this person: a variable is missing, a filter is unknown or
 * was given the wrong value. Thrown before anything is sent, and it lists every problem found in
 * every field (`issues`), so one fix-and-retry is enough. `field`, `variable` and `filter` repeat
 * the first issue's for the common single-problem case. It is a `ValidationError` (code
 * `VALIDATION`): the data did not fit the template, and retrying will not help.
 *
 * @example
 * ```ts
 * try {
 *   await renderer.render(welcome, { profile: { id: 'p1', traits: {} } }, { locale: 'vi-VN' });
 * } catch (error) {
 *   if (error instanceof TemplateRenderError) {
 *     error.message; // 'template welcome-email (vi-VN) subject: undefined variable profile.traits.firstName'
 *     error.issues.map((issue) => issue.variable); // ['profile.traits.firstName', …]
 *   }
 * }
 * ```
 */
export class TemplateRenderError extends ValidationError {
  /** The template's id. */
  readonly template: string;
  /** The locale of the variant that was rendered. */
  readonly locale: string;
  /** The first issue's field (`subject`). */
  readonly field: string;
  /** The first issue's missing variable, if it is one. */
  readonly variable: string | undefined;
  /** The first issue's filter, if it is about one. */
  readonly filter: string | undefined;
  declare readonly issues: readonly TemplateIssue[];

  constructor(options: TemplateRenderErrorOptions) {
    const summary = options.issues
      .slice(0, SHOWN)
      .map((issue) => `${issue.path}: ${issue.message}`)
      .join('; ');
    const more = options.issues.length > SHOWN ? ` (and ${options.issues.length - SHOWN} more)` : '';
    super(`template ${options.template} (${options.locale}) ${summary}${more}`, options.issues, {
      cause: options.cause,
    });
    const first = options.issues[0];
    this.template = options.template;
    this.locale = options.locale;
    this.field = first?.field ?? '';
    this.variable = first?.variable;
    this.filter = first?.filter;
  }

  override toJSON() {
    return {
      ...super.toJSON(),
      template: this.template,
      locale: this.locale,
      field: this.field,
      variable: this.variable,
      filter: this.filter,
    };
  }
}
