import type { ValidationError } from '@cx/core';

/** The parts of a `TemplateRenderError` the report uses, read by shape (not `instanceof`). */
interface RenderProblem {
  template: string;
  locale: string;
}

const isRenderProblem = (error: object): error is RenderProblem =>
  typeof (error as Partial<RenderProblem>).template === 'string' &&
  typeof (error as Partial<RenderProblem>).locale === 'string';

/**
 * A validation error as lines for stderr: a head line, then each issue with its path, so one
 * fix-and-retry is enough. A template that cannot be rendered for the person (a
 * `TemplateRenderError`) names the template and the locale it was rendered in.
 *
 * @example
 * ```ts
 * io.stderr.write(invalidReport('cx send', error));
 * // cx send: template promo-sms (vi-VN) cannot be rendered for this person:
 * //   text: undefined variable data.coupon
 * ```
 */
export function invalidReport(command: string, error: ValidationError): string {
  const head = isRenderProblem(error)
    ? `template ${error.template} (${error.locale}) cannot be rendered for this person`
    : // The message repeats the first issues after its first ": "; each is printed on its own line.
      error.issues.length > 0
      ? (error.message.split(': ')[0] ?? error.message)
      : error.message;
  if (error.issues.length === 0) return `${command}: ${head}\n`;
  const lines = error.issues.map((issue) => `  ${issue.path || '(root)'}: ${issue.message}\n`);
  return `${command}: ${head}:\n${lines.join('')}`;
}
