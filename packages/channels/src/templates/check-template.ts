import { isCxError, type ValidationIssue } from '@cx/core';
import { defineTemplate, type TemplateDefinition } from './template-definition';
import {
  TEMPLATE_ISSUE_CODES,
  type TemplateIssue,
  type TemplateIssueCode,
  TemplateRenderError,
} from './template-render-error';
import {
  createTemplateRenderer,
  type TemplateRenderer,
  type TemplateRenderOptions,
  type TemplateScope,
} from './template-renderer';

/** Options of {@link checkTemplate}. */
export interface CheckTemplateOptions extends Omit<TemplateRenderOptions, 'locale'> {
  /** The renderer to render with (its defaults and parse cache); a fresh one when omitted. */
  renderer?: TemplateRenderer;
}

const VARIANT_PATH = /^variants\.([^.]+)(?:\.(.+))?$/;

/** A definition problem as a template issue: `variants.vi-VN.subject` names locale and field. */
function definitionIssue(issue: ValidationIssue): TemplateIssue {
  const match = VARIANT_PATH.exec(issue.path);
  const code = (TEMPLATE_ISSUE_CODES as readonly string[]).includes(issue.code)
    ? (issue.code as TemplateIssueCode)
    : 'invalid_definition';
  return {
    path: issue.path,
    message: issue.message,
    code,
    field: match ? (match[2] ?? '') : issue.path,
    ...(match?.[1] === undefined ? {} : { locale: match[1] }),
  };
}

/**
 * Checks a template against a sample scope without sending anything: validates the definition,
 * then renders every variant in its own locale and gathers every problem (missing variables,
 * unknown filters, values a filter cannot format). `[]` means every variant renders. Issue paths
 * name the variant and field (`variants.vi-VN.subject`); a definition that does not validate
 * returns its validation issues (shape problems with code `invalid_definition`) and is not rendered.
 *
 * @example
 * ```ts
 * const issues = await checkTemplate(welcomeEmail, { profile: { id: 'sample', traits: { firstName: 'Lan' } } });
 * // [{ path: 'variants.vi-VN.html', code: 'undefined_variable', variable: 'data.coupon', … }]
 * ```
 */
export async function checkTemplate(
  template: TemplateDefinition,
  sampleScope: TemplateScope,
  options: CheckTemplateOptions = {},
): Promise<TemplateIssue[]> {
  try {
    defineTemplate(template);
  } catch (error) {
    if (isCxError(error, 'VALIDATION') && 'issues' in error) {
      return (error.issues as readonly ValidationIssue[]).map(definitionIssue);
    }
    throw error;
  }
  const { renderer = createTemplateRenderer(), ...renderOptions } = options;
  const issues: TemplateIssue[] = [];
  for (const locale of Object.keys(template.variants).sort()) {
    try {
      await renderer.render(template, sampleScope, { ...renderOptions, locale });
    } catch (error) {
      if (!(error instanceof TemplateRenderError)) throw error;
      for (const issue of error.issues)
        issues.push({ ...issue, locale, path: `variants.${locale}.${issue.path}` });
    }
  }
  return issues;
}
