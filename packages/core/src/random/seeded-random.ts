/**
 * A seeded uniform source in [0, 1), callable directly, with the variates simulations need.
 * Not for cryptography.
 */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  (): number;
  /** Uniform in [0, 1); the same as calling the function. */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Exponential with the given rate. */
  exponential(rate: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Gamma with shape `k` and rate `rate` (Marsaglia–Tsang; shapes below 1 boosted). */
  gamma(k: number, rate: number): number;
  /** Beta(a, b), from two gamma draws. */
  beta(a: number, b: number): number;
}

/**
 * A seeded pseudo-random generator: sfc32, Chris Doty-Humphrey's Small Fast Counting generator
 * (as in PractRand). Bandit reallocations, simulations and generated test data draw from it, so
 * the same seed always gives the same sequence, on every platform.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random();          // 0.…, the same on every run
 * random.normal();   // a standard normal draw
 * ```
 */
export function seededRandom(seed: number): SeededRandom {
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
  for (let i = 0; i < 12; i++) next(); // mix the seed into the whole state
  const normal = () => normalDraw(next);
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
  return Object.assign(next, {
    next,
    int: (n: number) => Math.floor(next() * n),
    exponential: (rate: number) => -Math.log(1 - next()) / rate,
    normal,
    gamma,
    beta(x: number, y: number) {
      const g1 = gamma(x, 1);
      return g1 / (g1 + gamma(y, 1));
    },
  });
}

/** A standard normal draw (Box–Muller) from any uniform source. */
export function normalDraw(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
