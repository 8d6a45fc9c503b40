import { LiquidError } from 'liquidjs';
import { syntaxChecker } from './liquid-engine';
import { FilterInputError } from './locale-filters';
import type { TemplateIssue, TemplateIssueCode } from './template-render-error';

/** liquidjs appends `, line:1, col:4` to its messages; cx says where in its own words. */
const POSITION_SUFFIX = /, line:\d+, col:\d+$/;
const UNDEFINED_FILTER = /^undefined filter: (.+)$/;
const UNDEFINED_VARIABLE = /^undefined variable: (.+)$/;

function leaves(error: unknown): unknown[] {
  // `catchAllErrors` nests: an `if` block's errors come as one LiquidErrors inside the outer one.
  if (error instanceof LiquidError && error.name === 'LiquidErrors') {
    const inner = (error as LiquidError & { errors?: unknown[] }).errors ?? [];
    return inner.flatMap(leaves);
  }
  return [error];
}

function position(error: LiquidError): { line?: number; col?: number } {
  const [line, col] = error.token?.getPosition?.() ?? [];
  return line === undefined || col === undefined ? {} : { line, col };
}

function issueOf(error: unknown, field: string): TemplateIssue {
  const base = (
    code: TemplateIssueCode,
    message: string,
    extra: Partial<TemplateIssue> = {},
  ): TemplateIssue => ({
    path: field,
    field,
    code,
    message,
    ...extra,
  });
  if (!(error instanceof LiquidError)) {
    return base('render_error', error instanceof Error ? error.message : String(error));
  }
  const where = position(error);
  const bare = error.message.replace(POSITION_SUFFIX, '');
  const original = error.originalError as (Error & { variableName?: unknown }) | undefined;

  if (error.name === 'UndefinedVariableError') {
    const variable =
      typeof original?.variableName === 'string'
        ? original.variableName
        : (UNDEFINED_VARIABLE.exec(bare)?.[1] ?? bare);
    return base('undefined_variable', `undefined variable ${variable}`, { variable, ...where });
  }
  const filter = UNDEFINED_FILTER.exec(bare)?.[1];
  if (filter !== undefined) return base('undefined_filter', `unknown filter ${filter}`, { filter, ...where });
  if (original instanceof FilterInputError) {
    return base('invalid_filter_input', original.message, { filter: original.filter, ...where });
  }
  if (error.name === 'TokenizationError' || error.name === 'ParseError') {
    const at = where.line === undefined ? '' : ` (line ${where.line}, col ${where.col})`;
    return base('liquid_syntax', `${bare}${at}`, where);
  }
  return base('render_error', bare, where);
}

/**
 * Every problem a liquidjs error reports, as cx issues of one content field (a `LiquidErrors`
 * from `catchAllErrors` is flattened; a variable missing twice is reported once).
 *
 * @example
 * ```ts
 * try { engine.renderSync(parsed, context); }
 * catch (error) { liquidIssues(error, 'subject'); } // [{ code: 'undefined_variable', variable: 'profile.traits.firstName', … }]
 * ```
 */
export function liquidIssues(error: unknown, field: string): TemplateIssue[] {
  const seen = new Set<string>();
  const issues: TemplateIssue[] = [];
  for (const leaf of leaves(error)) {
    const issue = issueOf(leaf, field);
    const key = `${issue.code}\u0000${issue.variable ?? issue.filter ?? issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

/**
 * The syntax problems of one Liquid string (unclosed tags and outputs, unknown tags and filters),
 * all at once; `[]` when it parses.
 *
 * @example
 * ```ts
 * syntaxIssues('Hi {{ profile.traits.firstName ', 'subject');
 * // [{ path: 'subject', code: 'liquid_syntax', message: 'output "{{ profile.traits.firstName " not closed (line 1, col 4)', … }]
 * ```
 */
export function syntaxIssues(source: string, field: string): TemplateIssue[] {
  try {
    syntaxChecker().parse(source);
    return [];
  } catch (error) {
    return liquidIssues(error, field);
  }
}
