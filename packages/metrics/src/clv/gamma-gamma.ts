import { parseOrThrow, ValidationError } from '@cx/core';
import { logGamma } from '@cx/core/stats';
import { z } from 'zod';
import type { BgNbdParams } from './bgnbd';
import { expectedPurchases } from './bgnbd';
import { type CustomerSummary, parseCustomers } from './customer-summary';
import { nelderMead } from './optimizer';

/** Gamma-Gamma parameters: spend per purchase z ~ Gamma(p, ν), ν ~ Gamma(q, γ). */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** A fitted Gamma-Gamma model. */
export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers with at least one repeat purchase, the only ones the model uses. */
  customers: number;
  iterations: number;
  converged: boolean;
}

/**
 * Log-likelihood of Gamma-Gamma parameters over customers with x > 0 repeat purchases of mean
 * value m (Fader, Hardie and Lee 2005, "RFM and CLV", and Fader & Hardie's note "The Gamma-Gamma
 * model of monetary value", eq. 3):
 * `ln f = ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + m x)`.
 */
export function gammaGammaLogLikelihood(
  params: GammaGammaParams,
  customers: readonly CustomerSummary[],
): number {
  const { p, q, gamma } = params;
  const shared = q * Math.log(gamma) - logGamma(q);
  let total = 0;
  for (const { frequency: x, monetary } of customers) {
    if (x === 0 || monetary === undefined || monetary <= 0) continue;
    const px = p * x;
    total +=
      logGamma(px + q) -
      logGamma(px) +
      shared +
      (px - 1) * Math.log(monetary) +
      px * Math.log(x) -
      (px + q) * Math.log(gamma + monetary * x);
  }
  return total;
}

/**
 * Fits Gamma-Gamma by maximum likelihood over the customers with repeat purchases and a positive
 * `monetary` value (Nelder–Mead on log-parameters). The model assumes spend is independent of
 * purchase frequency; check the correlation before relying on it.
 *
 * @example
 * ```ts
 * const spend = fitGammaGamma(customers); // each with frequency and monetary
 * expectedSpend(spend.params, { frequency: 3, recency: 20, T: 30, monetary: 42 });
 * ```
 */
export function fitGammaGamma(
  customers: readonly CustomerSummary[],
  options: { tolerance?: number } = {},
): GammaGammaFit {
  const rows = parseCustomers(customers, 'customers').filter((c) => c.frequency > 0 && (c.monetary ?? 0) > 0);
  if (rows.length === 0) {
    throw new ValidationError('Gamma-Gamma needs customers with repeat purchases and a monetary value', [
      { path: '', message: 'No customer has frequency > 0 and monetary > 0', code: 'too_small' },
    ]);
  }
  const { tolerance } = parseOrThrow(
    z.object({ tolerance: z.number().positive().max(1e-3).default(1e-10) }),
    options,
    'Gamma-Gamma fit options',
  );
  const negLL = (v: readonly number[]) =>
    -gammaGammaLogLikelihood({ p: Math.exp(v[0]!), q: Math.exp(v[1]!), gamma: Math.exp(v[2]!) }, rows);
  const min = nelderMead(negLL, [0, 0, 0], { tolerance });
  const [p, q, gamma] = min.x.map(Math.exp) as [number, number, number];
  return {
    params: { p, q, gamma },
    logLikelihood: -min.value,
    customers: rows.length,
    iterations: min.iterations,
    converged: min.converged,
  };
}

/**
 * Expected spend per purchase of a customer: `(q−1)/(px+q−1) · γp/(q−1) + px/(px+q−1) · m`, a
 * weighted mean of the population mean γp/(q−1) and the customer's own mean m. With no repeat
 * purchases it is the population mean. Needs q > 1.
 */
export function expectedSpend(params: GammaGammaParams, customer: CustomerSummary): number {
  const { p, q, gamma } = params;
  const x = customer.frequency;
  const m = customer.monetary ?? 0;
  if (x === 0 || m <= 0) return (gamma * p) / (q - 1);
  return ((gamma + m * x) * p) / (p * x + q - 1);
}

/** Options of {@link customerLifetimeValue}. */
export const clvOptionsSchema = z.object({
  /** How many periods ahead to value, such as 12 months. */
  periods: z.number().int().positive().max(1200),
  /** Length of one period in the data's time unit (4.345 weeks per month when the data is in weeks). */
  periodLength: z.number().positive(),
  /** Discount rate per period, such as 0.01 a month. */
  discountRate: z.number().min(0).max(1).default(0),
  /** Margin applied to spend, 0 … 1; default 1 (revenue). */
  margin: z.number().min(0).max(1).default(1),
});
/** See {@link clvOptionsSchema}. */
export type ClvOptions = z.input<typeof clvOptionsSchema>;

/**
 * Discounted customer lifetime value from BG/NBD and Gamma-Gamma, as `lifetimes` computes it:
 * `CLV = Σᵢ₌₁ⁿ margin · E[spend] · (E[Y(i·L)] − E[Y((i−1)·L)]) / (1 + d)ⁱ`, the purchases expected
 * in each period valued at the expected spend and discounted back.
 *
 * @example
 * ```ts
 * customerLifetimeValue(bg.params, gg.params, customer, { periods: 12, periodLength: 4.345, discountRate: 0.01 });
 * ```
 */
export function customerLifetimeValue(
  bgnbd: BgNbdParams,
  gammaGamma: GammaGammaParams,
  customer: CustomerSummary,
  options: ClvOptions,
): number {
  const { periods, periodLength, discountRate, margin } = parseOrThrow(
    clvOptionsSchema,
    options,
    'CLV options',
  );
  const spend = expectedSpend(gammaGamma, customer) * margin;
  let value = 0;
  let previous = 0;
  for (let i = 1; i <= periods; i++) {
    const cumulative = expectedPurchases(bgnbd, customer, i * periodLength);
    value += (spend * (cumulative - previous)) / (1 + discountRate) ** i;
    previous = cumulative;
  }
  return value;
}
