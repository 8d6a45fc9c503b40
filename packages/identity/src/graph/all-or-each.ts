import { type CxErrorCode, isCxError } from '@cx/core';

/** How to run a batch of calls: all together, or one by one. */
export interface AllOrEach<I, O> {
  /** The most inputs one `all` call takes. */
  max: number;
  /** Applies every input or none (a store's `createMany`, `mergeMany`). */
  all(inputs: I[]): Promise<O[]>;
  /** Applies one input (a store's `create`, `merge`). */
  each(input: I): Promise<O>;
  /** Error codes with which `all` refuses the whole call having applied nothing. */
  refusals: readonly CxErrorCode[];
}

/**
 * Runs inputs through `all` in slices of `max`. A slice that `all` refuses with one of
 * `refusals` (nothing was applied) runs input by input instead, so each input gets exactly the
 * outcome a lone call would have given it: one conflicting create does not fail the others.
 */
export async function allOrEach<I, O>(inputs: I[], how: AllOrEach<I, O>): Promise<PromiseSettledResult<O>[]> {
  const outcomes: PromiseSettledResult<O>[] = [];
  for (let i = 0; i < inputs.length; i += how.max) {
    const part = inputs.slice(i, i + how.max);
    if (part.length > 1) {
      try {
        for (const value of await how.all(part)) outcomes.push({ status: 'fulfilled', value });
        continue;
      } catch (error) {
        if (!how.refusals.some((code) => isCxError(error, code))) throw error;
      }
    }
    outcomes.push(...(await Promise.allSettled(part.map((input) => how.each(input)))));
  }
  return outcomes;
}
