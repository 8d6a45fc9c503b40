import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchmarkResult } from './harness';

/*
 * Rewrites the results table of BENCHMARKS.md (between the two marker comments) from
 * bench/results.json, so the document always shows the figures the harness last measured.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const results = JSON.parse(
  await readFile(path.join(here, '..', 'results.json'), 'utf8'),
) as BenchmarkResult[];
const reportFile = path.join(here, '..', '..', 'BENCHMARKS.md');

/** The figure each issue asks for, by benchmark name. */
const GOALS: Record<string, string> = {
  'core.append.sqlite': 'speedup ≥ 0.67',
  'core.append.postgres': 'speedup ≥ 0.67',
  'identity.ingest.memory': 'speedup ≥ 0.5',
  'identity.ingest.sqlite': 'speedup ≥ 0.5',
  'identity.ingest.postgres': 'speedup ≥ 0.5',
  'identity.import.sqlite': 'speedup ≥ 0.25',
  'identity.profile-read.sqlite': 'p99 < 1 ms',
  'abtest.assign': 'speedup ≥ 3',
  'metrics.funnel.memory': 'speedup ≥ 3',
  'core.work.sqlite': 'speedup ≥ 0.7',
  'core.work.postgres': 'speedup ≥ 0.7',
  'core.work.lateness.memory': 'p99 < 100 ms',
  'segments.incremental.memory': 'p99 < 50 µs',
  'segments.backfill.postgres': 'speedup ≥ 0.8',
  'segments.expiry-lateness.memory': 'p99 < 1,000 ms',
  'channels.dispatch.smtp': 'speedup ≥ 0.8',
  'channels.dispatch.http': 'speedup ≥ 0.8',
  'journey.steps.sqlite': 'speedup ≥ 0.5',
  'journey.steps.postgres': 'speedup ≥ 0.5',
  'journey.timer-lateness.memory': 'p99 < 1,000 ms',
};

const format = (value: number) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toString();

const rows = results.map((r) =>
  [
    `\`${r.name}\``,
    `${format(r.value)} ${r.unit}`,
    r.peer ?? '',
    r.peerValue === undefined ? '' : `${format(r.peerValue)} ${r.unit}`,
    r.speedup === undefined ? '' : `${r.speedup.toFixed(2)}×`,
    GOALS[r.name] ?? '',
    String(r.runs),
  ].join(' | '),
);
const table = [
  '| benchmark | cx (median) | peer | peer (median) | speedup | goal | runs |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...rows.map((row) => `| ${row} |`),
].join('\n');

const report = await readFile(reportFile, 'utf8');
const begin = '<!-- results:begin -->';
const end = '<!-- results:end -->';
const start = report.indexOf(begin);
const stop = report.indexOf(end);
if (start === -1 || stop === -1) throw new Error(`BENCHMARKS.md needs ${begin} and ${end} markers`);
await writeFile(reportFile, `${report.slice(0, start + begin.length)}\n${table}\n${report.slice(stop)}`);
console.log(`updated ${path.relative(process.cwd(), reportFile)} from ${results.length} results`);
