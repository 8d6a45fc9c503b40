import { CxError, type CxErrorOptions } from './cx-error';

/** One problem found in an input, with where it was found. */
export interface ValidationIssue {
  /** Dotted path to the offending value, such as `traits.email` or `[3].messageId`; empty for the root. */
  path: string;
  /** What is wrong, in words. */
  message: string;
  /** The validator's own code for the problem (zod's issue code). */
  code: string;
}

/** An input did not match its schema. `issues` lists every problem found. */
export class ValidationError extends CxError {
  readonly issues: readonly ValidationIssue[];

  constructor(message: string, issues: readonly ValidationIssue[] = [], options?: CxErrorOptions) {
    super('VALIDATION', message, options);
    this.issues = issues;
  }

  override toJSON() {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** A package or adapter was configured wrongly (a missing option, a bad connection string). */
export class ConfigError extends CxError {
  constructor(message: string, options?: CxErrorOptions) {
    super('CONFIG', message, options);
  }
}

/** The record asked for does not exist in this workspace. */
export class NotFoundError extends CxError {
  constructor(message: string, options?: CxErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

/** The operation conflicts with the current state (already merged, identifier owned elsewhere, stale version). */
export class ConflictError extends CxError {
  constructor(message: string, options?: CxErrorOptions) {
    super('CONFLICT', message, options);
  }
}

/** A size, rate or count limit was exceeded. */
export class LimitError extends CxError {
  /** The limit that applies. */
  readonly limit: number;
  /** The value that exceeded it. */
  readonly actual: number;

  constructor(message: string, limit: number, actual: number, options?: CxErrorOptions) {
    super('LIMIT', message, options);
    this.limit = limit;
    this.actual = actual;
  }

  override toJSON() {
    return { ...super.toJSON(), limit: this.limit, actual: this.actual };
  }
}

/** Credentials were missing or wrong. */
export class UnauthorizedError extends CxError {
  constructor(message: string, options?: CxErrorOptions) {
    super('UNAUTHORIZED', message, options);
  }
}

/** Options for {@link AdapterError}. */
export interface AdapterErrorOptions extends CxErrorOptions {
  /** The adapter that failed, such as `postgres`. */
  adapter: string;
  /** The port operation that failed, such as `events.append`. */
  op: string;
  /** Extra words about the failure; the cause's message is used when omitted. */
  message?: string;
}

/** A storage or provider adapter failed; `cause` holds the driver's own error. */
export class AdapterError extends CxError {
  readonly adapter: string;
  readonly op: string;

  constructor(options: AdapterErrorOptions) {
    const detail =
      options.message ?? (options.cause instanceof Error ? options.cause.message : String(options.cause));
    super('ADAPTER', `${options.adapter} ${options.op} failed: ${detail}`, { cause: options.cause });
    this.adapter = options.adapter;
    this.op = options.op;
  }

  override toJSON() {
    return { ...super.toJSON(), adapter: this.adapter, op: this.op };
  }
}
