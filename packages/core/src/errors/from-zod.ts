import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from './errors';

/** Joins a zod path into the dotted form used in messages: `context.page.url`, `[2].event`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Converts zod issues into cx issues, keeping path, message and code. */
export function toValidationIssues(issues: readonly z.core.$ZodIssue[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message, code: issue.code }));
}

/**
 * Builds a {@link ValidationError} whose message names each path and problem,
 * such as `Invalid track event: properties.revenue: Expected number`.
 */
export function validationErrorFromZod(error: z.ZodError, what: string): ValidationError {
  const issues = toValidationIssues(error.issues);
  const summary = issues
    .slice(0, 5)
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ');
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
  return new ValidationError(`Invalid ${what}: ${summary}${more}`, issues, { cause: error });
}

/**
 * Parses `input` with `schema`, throwing a {@link ValidationError} that names `what` on failure.
 * Every public entry point of cx validates through this.
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw validationErrorFromZod(result.error, what);
  return result.data;
}
