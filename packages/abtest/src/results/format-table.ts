import type { ExperimentResults } from './result-types';

const pct = (x: number, digits = 1) => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—');
const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4));

function pValue(p: number): string {
  if (p < 0.0001) return '<0.0001';
  return p.toFixed(4);
}

/**
 * A concise, fixed-width text table of the results: one row per metric and variation, then
 * the SRM status and the recommendation. Rates show as percentages, means as numbers.
 *
 * @example
 * ```ts
 * console.log(formatResultsTable(analyzeExperiment(definition, data)));
 * ```
 */
export function formatResultsTable(results: ExperimentResults): string {
  const header = [
    'metric',
    'variation',
    'units',
    'value',
    'lift',
    results.sequential ? 'CI (always valid)' : 'CI',
    'p',
    'win%',
    '',
  ];
  const rows: string[][] = [];
  for (const metric of results.metrics) {
    const name = metric.role === 'guardrail' ? `${metric.key} (guardrail)` : metric.key;
    const show = (v: number) => (metric.type === 'conversion' ? pct(v, 2) : num(v));
    rows.push([
      name,
      metric.control.variation,
      String(metric.control.units),
      show(metric.control.value),
      '',
      '',
      '',
      '',
      '',
    ]);
    for (const c of metric.comparisons) {
      const [low, high] = results.sequential ? c.sequentialInterval : c.liftInterval;
      rows.push([
        '',
        c.variation,
        String(c.units),
        show(c.value),
        signed(c.lift),
        `[${signed(low)}, ${signed(high)}]`,
        pValue(c.adjustedPValue),
        pct(c.chanceToWin),
        c.direction === 'better' ? '▲' : c.direction === 'worse' ? '▼' : '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i >= 2 && i <= 7 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number),
      )
      .join('  ')
      .trimEnd();
  const srm = results.srm.mismatch
    ? `SRM: MISMATCH (p = ${results.srm.pValue.toExponential(2)})`
    : `SRM: ok (p = ${results.srm.pValue.toFixed(4)})`;
  const decision = results.recommendation.variation
    ? `${results.recommendation.decision} ${results.recommendation.variation}`
    : results.recommendation.decision;
  return [
    `Experiment ${results.experimentKey}: ${results.totalUnits} units, alpha ${results.alpha}, ${results.correction} correction`,
    line(header),
    line(header.map((_, i) => '-'.repeat(widths[i] as number))),
    ...rows.map(line),
    srm,
    `Recommendation: ${decision}. ${results.recommendation.reasons.join(' ')}`,
  ].join('\n');
}
