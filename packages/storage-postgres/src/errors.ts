import { AdapterError, isCxError, ValidationError } from '@cx/core';

/** The adapter name carried by every {@link AdapterError} this package throws. */
export const ADAPTER_NAME = 'postgres';

/** The SQLSTATE of a PostgreSQL error (`23505`, `40P01`...), or `undefined` for anything else. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || isCxError(error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The name of the constraint a PostgreSQL error is about, when it names one. */
export function constraintOf(error: unknown): string | undefined {
  const constraint = (error as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** A unique index refused a row. */
export const isUniqueViolation = (error: unknown) => sqlState(error) === '23505';

/**
 * Serialization failures and deadlocks: PostgreSQL rolled the transaction back and it is safe
 * to run it again from the start.
 */
export const isRetryable = (error: unknown) => {
  const state = sqlState(error);
  return state === '40001' || state === '40P01';
};

/*
 * PostgreSQL text and jsonb cannot hold U+0000 or unpaired surrogates. These states are caused
 * by the caller's data, not by the database, so they surface as validation errors.
 */
const INPUT_STATES = new Set(['22P05', '22021', '22P02']);

/**
 * Turns anything thrown while talking to PostgreSQL into a cx error: cx errors pass through,
 * text PostgreSQL cannot store becomes a `ValidationError`, everything else an `AdapterError`
 * holding the driver's error as `cause`. Raw `pg` errors never leave the adapter. Pass
 * `dataErrors: false` where the SQL text is the caller's own (`storage.sql`), so every failure
 * stays an `AdapterError`.
 */
export function toCxError(op: string, error: unknown, { dataErrors = true } = {}): Error {
  if (isCxError(error)) return error;
  const state = sqlState(error);
  if (dataErrors && state !== undefined && INPUT_STATES.has(state)) {
    return new ValidationError(
      `Invalid input for ${op}: PostgreSQL cannot store this text (U+0000 or an unpaired surrogate)`,
      [{ path: '', message: 'Text PostgreSQL cannot store', code: 'unstorable_text' }],
      { cause: error },
    );
  }
  return new AdapterError({ adapter: ADAPTER_NAME, op, cause: error });
}

/** Runs `action`, converting whatever it throws with {@link toCxError}. */
export async function guard<T>(op: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toCxError(op, error);
  }
}
