import { parseOrThrow } from '@cx/core';
import { z } from 'zod';

const schema = z.array(z.number().min(0).max(1));

/**
 * Holm's step-down adjusted p-values (Holm, "A Simple Sequentially Rejective Multiple Test
 * Procedure", Scand. J. Statistics 6, 1979): controls the family-wise error rate, uniformly
 * more powerful than Bonferroni. Same as R's `p.adjust(p, "holm")`. Order is preserved.
 *
 * @example
 * ```ts
 * holm([0.01, 0.04, 0.03, 0.005]); // [0.03, 0.06, 0.06, 0.02]
 * ```
 */
export function holm(pValues: readonly number[]): number[] {
  parseOrThrow(schema, pValues, 'p-values');
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, index], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values) (Benjamini & Hochberg, "Controlling the
 * False Discovery Rate", JRSS B 57, 1995): controls the false discovery rate. Same as R's
 * `p.adjust(p, "BH")`. Order is preserved.
 *
 * @example
 * ```ts
 * benjaminiHochberg([0.01, 0.04, 0.03, 0.005]); // [0.02, 0.04, 0.04, 0.02]
 * ```
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  parseOrThrow(schema, pValues, 'p-values');
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => y[0] - x[0]);
  const adjusted = new Array<number>(m);
  let running = 1;
  order.forEach(([p, index], k) => {
    const rank = m - k;
    running = Math.min(running, (m * p) / rank);
    adjusted[index] = Math.min(1, running);
  });
  return adjusted;
}
