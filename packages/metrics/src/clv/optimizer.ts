/** Options of {@link nelderMead}. */
export interface NelderMeadOptions {
  /** Stop when the simplex's function values differ by less than this; default 1e-10. */
  tolerance?: number;
  /** Most iterations; default 5000 per dimension. */
  maxIterations?: number;
  /** Initial simplex step in each coordinate; default 0.5 (the models optimise log-parameters). */
  step?: number;
}

/** Where {@link nelderMead} ended. */
export interface Minimum {
  x: number[];
  value: number;
  iterations: number;
  converged: boolean;
}

/**
 * Minimises `f` by the Nelder–Mead simplex method with the adaptive coefficients of Gao and Han
 * (2012), which keep it effective beyond two dimensions, restarted once from its own optimum
 * (a restart catches the premature collapse Nelder–Mead is known for). Derivative-free: the
 * likelihoods here are cheap, and gradients of 2F1-based terms are not.
 */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): Minimum {
  const first = simplexSearch(f, start, options);
  const second = simplexSearch(f, first.x, options);
  return {
    ...second,
    iterations: first.iterations + second.iterations,
    converged: first.converged && second.converged,
  };
}

function simplexSearch(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions,
): Minimum {
  const n = start.length;
  const tolerance = options.tolerance ?? 1e-10;
  const maxIterations = options.maxIterations ?? 5000 * n;
  const step = options.step ?? 0.5;
  const alpha = 1;
  const beta = 1 + 2 / n;
  const gamma = 0.75 - 1 / (2 * n);
  const delta = 1 - 1 / n;
  const safe = (x: readonly number[]) => {
    const value = f(x);
    return Number.isFinite(value) ? value : Number.POSITIVE_INFINITY;
  };
  const points: number[][] = [start.slice()];
  for (let i = 0; i < n; i++) {
    const point = start.slice();
    point[i]! += step;
    points.push(point);
  }
  const values = points.map(safe);
  let iterations = 0;
  let converged = false;
  const order = points.map((_, i) => i);
  while (iterations < maxIterations) {
    iterations++;
    order.sort((i, j) => values[i]! - values[j]!);
    const best = order[0]!;
    const worst = order[n]!;
    const secondWorst = order[n - 1]!;
    if (Math.abs(values[worst]! - values[best]!) <= tolerance * (Math.abs(values[best]!) + tolerance)) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      const point = points[order[k]!]!;
      for (let i = 0; i < n; i++) centroid[i]! += point[i]! / n;
    }
    const along = (t: number) => centroid.map((c, i) => c + t * (points[worst]![i]! - c));
    const reflected = along(-alpha);
    const fr = safe(reflected);
    if (fr < values[best]!) {
      const expanded = along(-alpha * beta);
      const fe = safe(expanded);
      if (fe < fr) replace(worst, expanded, fe);
      else replace(worst, reflected, fr);
    } else if (fr < values[secondWorst]!) {
      replace(worst, reflected, fr);
    } else {
      const outside = fr < values[worst]!;
      const contracted = along(outside ? -gamma * alpha : gamma);
      const fc = safe(contracted);
      if (fc < (outside ? fr : values[worst]!)) replace(worst, contracted, fc);
      else {
        const anchor = points[best]!;
        for (const index of order.slice(1)) {
          const shrunk = anchor.map((a, i) => a + delta * (points[index]![i]! - a));
          replace(index, shrunk, safe(shrunk));
        }
      }
    }
  }
  let bestIndex = 0;
  for (let i = 1; i <= n; i++) if (values[i]! < values[bestIndex]!) bestIndex = i;
  return { x: points[bestIndex]!, value: values[bestIndex]!, iterations, converged };

  function replace(index: number, point: number[], value: number) {
    points[index] = point;
    values[index] = value;
  }
}
