/**
 * A small seeded pseudo-random generator (sfc32, Chris Doty-Humphrey's Small Fast Counter) and
 * the variates the simulations need. Seeded so tests and benchmarks generate the same data on
 * every run; not for cryptography.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Gamma with shape `k` and rate `rate` (Marsaglia–Tsang; shape < 1 boosted). */
  gamma(k: number, rate: number): number;
  /** Beta(a, b). */
  beta(a: number, b: number): number;
}

/** A seeded {@link Random}. */
export function seededRandom(seed: number): Random {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const normal = () => {
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const gamma = (k: number, rate: number): number => {
    if (k < 1) return gamma(k + 1, rate) * (1 - next()) ** (1 / k);
    const dd = k - 1 / 3;
    const cc = 1 / Math.sqrt(9 * dd);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + cc * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - next();
      if (Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return (dd * v) / rate;
    }
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    exponential: (rate) => -Math.log(1 - next()) / rate,
    normal,
    gamma,
    beta(x, y) {
      const g1 = gamma(x, 1);
      return g1 / (g1 + gamma(y, 1));
    },
  };
}
