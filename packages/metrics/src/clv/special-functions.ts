/*
 * Special functions the CLV models need, in plain TypeScript so the package has no numeric
 * dependency: log-gamma (Lanczos, g = 7, nine coefficients, relative error about 1e-15) and the
 * Gauss hypergeometric function 2F1 by its power series (enough for |z| < 1, which is every
 * argument BG/NBD produces).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function lgamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

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
