/*
 * Special functions only the CLV models need (log-gamma and the distributions are shared, in
 * `@cx/core/stats`): the Gauss hypergeometric function 2F1 by its power series (enough for
 * |z| < 1, which is every argument BG/NBD produces) and an overflow-free log-sum-exp.
 */

/** ₂F₁(a, b; c; z) for |z| < 1 by its power series, to double precision or 100,000 terms. */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (Math.abs(z) >= 1) throw new RangeError('hyp2f1 series needs |z| < 1');
  let term = 1;
  let sum = 1;
  for (let k = 0; k < 100_000; k++) {
    term *= ((a + k) * (b + k) * z) / ((c + k) * (k + 1));
    sum += term;
    if (Math.abs(term) <= 1e-16 * Math.abs(sum)) break;
  }
  return sum;
}

/** ln(eᵃ + eᵇ) without overflow. */
export function logSumExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}
