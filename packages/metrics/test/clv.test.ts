import { readFileSync } from 'node:fs';
import { isCxError, seededRandom } from '@cx/core';
import { logGamma } from '@cx/core/stats';
import { describe, expect, it } from 'vitest';
import {
  bgNbdLogLikelihood,
  type CustomerSummary,
  customerLifetimeValue,
  expectedPurchases,
  expectedSpend,
  fitBgNbd,
  fitGammaGamma,
  historicalClv,
  hyp2f1,
  probabilityAlive,
  summarizeTransactions,
} from '../src';

const DATA = new URL('./fixtures/', import.meta.url);

function cdnowSummary(): CustomerSummary[] {
  return readFileSync(new URL('cdnow_customers_summary.csv', DATA), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [, frequency, recency, T] = line.split(',').map(Number);
      return { frequency: frequency!, recency: recency!, T: T! };
    });
}

async function codeOf(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (error) {
    return isCxError(error) ? error.code : 'not a CxError';
  }
  return undefined;
}

describe('special functions', () => {
  it('logGamma and 2F1 match known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    // 2F1(1, 1; 2; z) = −ln(1 − z)/z.
    expect(hyp2f1(1, 1, 2, 0.5)).toBeCloseTo(-Math.log(0.5) / 0.5, 12);
    expect(hyp2f1(1, 1, 2, 0.99)).toBeCloseTo(-Math.log(0.01) / 0.99, 9);
  });
});

describe('BG/NBD', () => {
  it('log-likelihood by hand for one customer', () => {
    const ones = { r: 1, alpha: 1, a: 1, b: 1 };
    // x = 0: ln L = −(r + x) ln(α + T) = −ln 2.
    expect(bgNbdLogLikelihood(ones, [{ frequency: 0, recency: 0, T: 1 }])).toBeCloseTo(-Math.log(2), 12);
    // x = 1, tₓ = 0.5, T = 1: ln B(1, 2) − ln B(1, 1) + ln(2^−2 + 1/1 · 1.5^−2) = −ln 2 + ln(0.25 + 1/2.25).
    expect(bgNbdLogLikelihood(ones, [{ frequency: 1, recency: 0.5, T: 1 }])).toBeCloseTo(-1.0577902941, 9);
  });

  it('matches the published CDNow fit (Fader, Hardie and Lee 2005) to two decimals', () => {
    const fit = fitBgNbd(cdnowSummary());
    expect(fit.customers).toBe(2357);
    expect(fit.converged).toBe(true);
    expect(fit.params.r).toBeCloseTo(0.243, 2);
    expect(fit.params.alpha).toBeCloseTo(4.414, 2);
    expect(fit.params.a).toBeCloseTo(0.793, 2);
    expect(fit.params.b).toBeCloseTo(2.426, 2);
    expect(fit.logLikelihood).toBeCloseTo(-9582.4, 1);
    // The paper's worked example: x = 2, tₓ = 30.43, T = 38.86 expects 1.226 purchases in 39 weeks.
    const customer = { frequency: 2, recency: 30.43, T: 38.86 };
    expect(expectedPurchases(fit.params, customer, 39)).toBeCloseTo(1.226, 2);
    expect(probabilityAlive(fit.params, customer)).toBeGreaterThan(0.5);
    expect(probabilityAlive(fit.params, { frequency: 0, recency: 0, T: 38.86 })).toBe(1);
    // A customer who bought often long ago is probably gone.
    expect(probabilityAlive(fit.params, { frequency: 10, recency: 2, T: 38.86 })).toBeLessThan(0.01);
  });

  it('recovers the parameters it simulated', () => {
    const truth = { r: 0.5, alpha: 6, a: 0.8, b: 2.5 };
    const random = seededRandom(42);
    const customers: CustomerSummary[] = [];
    for (let i = 0; i < 20_000; i++) {
      const lambda = random.gamma(truth.r, truth.alpha);
      const p = random.beta(truth.a, truth.b);
      const T = 52;
      let t = 0;
      let x = 0;
      let last = 0;
      for (;;) {
        t += random.exponential(lambda);
        if (t >= T) break;
        x++;
        last = t;
        if (random.next() < p) break;
      }
      customers.push({ frequency: x, recency: last, T });
    }
    const fit = fitBgNbd(customers);
    expect(fit.params.r).toBeGreaterThan(truth.r * 0.85);
    expect(fit.params.r).toBeLessThan(truth.r * 1.15);
    expect(fit.params.alpha).toBeGreaterThan(truth.alpha * 0.8);
    expect(fit.params.alpha).toBeLessThan(truth.alpha * 1.2);
    expect(fit.params.a).toBeGreaterThan(truth.a * 0.75);
    expect(fit.params.a).toBeLessThan(truth.a * 1.25);
    expect(fit.params.b).toBeGreaterThan(truth.b * 0.7);
    expect(fit.params.b).toBeLessThan(truth.b * 1.3);
  });

  it('rejects empty and impossible customers', async () => {
    expect(await codeOf(() => fitBgNbd([]))).toBe('VALIDATION');
    expect(await codeOf(() => fitBgNbd([{ frequency: 1, recency: 5, T: 4 }]))).toBe('VALIDATION');
    expect(await codeOf(() => fitBgNbd([{ frequency: -1, recency: 0, T: 4 }]))).toBe('VALIDATION');
  });
});

describe('Gamma-Gamma and CLV', () => {
  it('matches the published CDNow spend fit (p 6.25, q 3.74, γ 15.44 on 946 customers)', () => {
    const transactions = readFileSync(new URL('CDNOW_sample.txt', DATA), 'utf8')
      .trim()
      .split('\n')
      .map((line) => {
        const [id, , date, , amount] = line.trim().split(/\s+/);
        const timestamp = Date.UTC(
          Number(date!.slice(0, 4)),
          Number(date!.slice(4, 6)) - 1,
          Number(date!.slice(6, 8)),
        );
        return { customerId: id!, timestamp, amount: Number(amount) };
      });
    const summary = summarizeTransactions(transactions, {
      observationEnd: Date.UTC(1997, 8, 30),
      unit: 'week',
    });
    expect(summary.size).toBe(2357);
    const fit = fitGammaGamma([...summary.values()]);
    expect(fit.customers).toBe(946);
    expect(fit.params.p).toBeCloseTo(6.25, 2);
    expect(fit.params.q).toBeCloseTo(3.74, 2);
    expect(fit.params.gamma).toBeCloseTo(15.44, 1);
  });

  it('recovers simulated spend parameters', () => {
    const truth = { p: 6, q: 4, gamma: 15 };
    const random = seededRandom(7);
    const customers: CustomerSummary[] = [];
    for (let i = 0; i < 5000; i++) {
      const nu = random.gamma(truth.q, truth.gamma);
      const x = 1 + random.int(6);
      let total = 0;
      for (let k = 0; k < x; k++) total += random.gamma(truth.p, nu);
      customers.push({ frequency: x, recency: 1, T: 2, monetary: total / x });
    }
    const fit = fitGammaGamma(customers);
    expect(Math.abs(fit.params.p / truth.p - 1)).toBeLessThan(0.15);
    expect(Math.abs(fit.params.q / truth.q - 1)).toBeLessThan(0.2);
    expect(Math.abs(fit.params.gamma / truth.gamma - 1)).toBeLessThan(0.25);
  });

  it('expected spend and discounted CLV by hand', () => {
    const gg = { p: 2, q: 3, gamma: 10 };
    // Population mean γp/(q−1) = 10; a customer with x = 2, m = 20: (10 + 40)·2/(4 + 2) = 16.667.
    expect(expectedSpend(gg, { frequency: 0, recency: 0, T: 1 })).toBeCloseTo(10, 12);
    expect(expectedSpend(gg, { frequency: 2, recency: 1, T: 2, monetary: 20 })).toBeCloseTo(50 / 3, 12);
    const bg = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
    const customer = { frequency: 2, recency: 30.43, T: 38.86, monetary: 20 };
    const one = customerLifetimeValue(bg, gg, customer, { periods: 1, periodLength: 39, discountRate: 0.1 });
    expect(one).toBeCloseTo(((50 / 3) * expectedPurchases(bg, customer, 39)) / 1.1, 9);
    const undiscounted = customerLifetimeValue(bg, gg, customer, { periods: 3, periodLength: 13 });
    expect(undiscounted).toBeCloseTo((50 / 3) * expectedPurchases(bg, customer, 39), 9);
    expect(
      customerLifetimeValue(bg, gg, customer, { periods: 3, periodLength: 13, discountRate: 0.05 }),
    ).toBeLessThan(undiscounted);
  });

  it('historical value: revenue, AOV and purchase frequency', () => {
    const result = historicalClv([
      { customerId: 'a', timestamp: 1, amount: 30 },
      { customerId: 'a', timestamp: 2, amount: 10 },
      { customerId: 'b', timestamp: 3, amount: 20 },
    ]);
    expect(result).toMatchObject({
      customers: 2,
      orders: 3,
      revenue: 60,
      averageOrderValue: 20,
      purchaseFrequency: 1.5,
      revenuePerCustomer: 30,
    });
    expect(result.perCustomer[0]).toMatchObject({
      customerId: 'a',
      orders: 2,
      revenue: 40,
      averageOrderValue: 20,
    });
    expect(historicalClv([])).toMatchObject({ customers: 0, averageOrderValue: null });
  });
});
