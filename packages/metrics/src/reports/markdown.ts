import type { FunnelResult, FunnelSeries } from '../funnels/funnel-result';
import type { RetentionTable } from '../retention/cohorts';
import type { SurveyBreakdown } from '../surveys/breakdown';
import type { Interval } from '../surveys/intervals';
import type { SurveyScore } from '../surveys/survey-metric';
import type { SessionMetrics } from '../web/bounce';
import type { ConversionResult } from '../web/conversion';

/** A Markdown table from a header and rows; cells are escaped so `|` cannot break the table. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const dash = '–';
const fixed = (value: number | null | undefined, digits = 1) =>
  value === null || value === undefined ? dash : value.toFixed(digits);
const percent = (share: number | null | undefined, digits = 1) =>
  share === null || share === undefined ? dash : `${(share * 100).toFixed(digits)}%`;
const points = (interval: Interval | null) =>
  interval === null ? dash : `${interval.low.toFixed(1)} to ${interval.high.toFixed(1)}`;
const shares = (interval: Interval | null) =>
  interval === null ? dash : `${(interval.low * 100).toFixed(1)}% to ${(interval.high * 100).toFixed(1)}%`;
const duration = (ms: number | null | undefined) => {
  if (ms === null || ms === undefined) return dash;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
};

function scoreCells(score: SurveyScore): string[] {
  switch (score.metric) {
    case 'nps':
      return [String(score.n), fixed(score.score), points(score.interval)];
    case 'ces':
      return [String(score.n), fixed(score.score), points(score.interval)];
    case 'csat':
      return [String(score.n), percent(score.topTwoBox), shares(score.topTwoBoxInterval)];
    case 'ces-agreement':
      return [String(score.n), percent(score.agreeShare), shares(score.agreeInterval)];
  }
}

function scoreHeader(score: SurveyScore): string[] {
  const level = `${Math.round(((score.metric === 'nps' || score.metric === 'ces' ? score.interval : score.metric === 'csat' ? score.topTwoBoxInterval : score.agreeInterval)?.level ?? 0.95) * 100)}% interval`;
  switch (score.metric) {
    case 'nps':
      return ['responses', 'NPS', level];
    case 'ces':
      return ['responses', 'CES', level];
    case 'csat':
      return ['responses', 'CSAT (top-two-box)', level];
    case 'ces-agreement':
      return ['responses', 'agree', level];
  }
}

/**
 * A survey score as a one-row Markdown table.
 *
 * @example
 * ```ts
 * scoreMarkdown(nps([10, 9, 3]));
 * // | responses | NPS | 95% interval |
 * // | --- | --- | --- |
 * // | 3 | 33.3 | -29.6 to 82.5 |
 * ```
 */
export function scoreMarkdown(score: SurveyScore): string {
  return markdownTable(scoreHeader(score), [scoreCells(score)]);
}

/** A survey breakdown as a Markdown table, one row per cell plus the overall row. */
export function breakdownMarkdown(breakdown: SurveyBreakdown): string {
  const names = breakdown.dimensions.map((d) =>
    d.kind === 'time' ? d.bucket : d.kind === 'context' ? d.path : d.name,
  );
  const header = [...names, ...scoreHeader(breakdown.overall)];
  const rows = breakdown.rows.map((row) => [...row.key, ...scoreCells(row.result)]);
  rows.push([...names.map((_, i) => (i === 0 ? '**all**' : '')), ...scoreCells(breakdown.overall)]);
  return markdownTable(header, rows);
}

function funnelSeriesMarkdown(series: FunnelSeries): string {
  return markdownTable(
    ['step', 'people', 'from previous', 'from start', 'drop-off', 'median time'],
    series.steps.map((step) => [
      `${step.index + 1}. ${step.label}${step.optional ? ' (optional)' : ''}`,
      String(step.count),
      step.index === 0 ? dash : percent(step.conversionFromPrevious),
      percent(step.conversionFromStart),
      step.dropOff === null ? dash : String(step.dropOff),
      duration(step.timeFromPrevious?.medianMs),
    ]),
  );
}

/** A funnel as Markdown: the steps table, the headline and, with a breakdown, one line per value. */
export function funnelMarkdown(result: FunnelResult): string {
  const parts = [
    funnelSeriesMarkdown(result),
    `Converted ${result.converted} of ${result.entered} (${percent(result.conversionRate)}); median time to convert ${duration(
      result.timeToConvert?.medianMs,
    )}, p90 ${duration(result.timeToConvert?.p90Ms)}.`,
  ];
  if (result.breakdown !== null) {
    parts.push(
      markdownTable(
        ['value', 'entered', 'converted', 'conversion'],
        result.breakdown.map((row) => [
          row.value,
          String(row.entered),
          String(row.converted),
          percent(row.conversionRate),
        ]),
      ),
    );
  }
  return parts.join('\n\n');
}

/** A retention table as Markdown: one row per cohort, one column per period. */
export function retentionMarkdown(table: RetentionTable): string {
  const periods = table.average.length;
  const header = ['cohort', 'size', ...Array.from({ length: periods }, (_, k) => `${table.bucket} ${k}`)];
  const rows = table.rows.map((row) => [
    row.cohort,
    String(row.size),
    ...row.rates.map((rate) => percent(rate, 0)),
  ]);
  rows.push(['**average**', '', ...table.average.map((rate) => percent(rate, 0))]);
  return markdownTable(header, rows);
}

/** Session figures (bounce both ways, time on site) and an optional conversion as Markdown. */
export function webMarkdown(metrics: SessionMetrics, conversion?: ConversionResult): string {
  const rows = [
    ['sessions', String(metrics.sessions)],
    ['people', String(metrics.people)],
    ['bounce rate (GA4)', percent(metrics.bounceRate)],
    ['bounce rate (single page)', percent(metrics.classicBounceRate)],
    ['time on site (median)', duration(metrics.medianDurationMs)],
    ['time on site (mean)', duration(metrics.averageDurationMs)],
    ['page views per session', fixed(metrics.pageViewsPerSession, 2)],
  ];
  if (conversion !== undefined) {
    rows.push([
      `conversion rate (by ${conversion.by})`,
      `${percent(conversion.rate)} (${shares(conversion.interval)})`,
    ]);
  }
  return markdownTable(['metric', 'value'], rows);
}
