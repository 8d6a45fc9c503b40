import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Benchmark, type BenchmarkResult, runBenchmark } from './harness';

/*
 * Runs every benchmark in src/benchmarks (or those whose name contains one of the arguments),
 * prints a table and writes bench/results.json. Results of benchmarks not run this time are kept.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const resultsFile = path.join(here, '..', 'results.json');
const filters = process.argv.slice(2);

async function loadBenchmarks(): Promise<Benchmark[]> {
  const dir = path.join(here, 'benchmarks');
  const files = (await readdir(dir)).filter((file) => file.endsWith('.ts')).sort();
  const all: Benchmark[] = [];
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { benchmarks?: Benchmark[] };
    all.push(...(mod.benchmarks ?? []));
  }
  return all.filter((benchmark) => filters.length === 0 || filters.some((f) => benchmark.name.includes(f)));
}

async function readPrevious(): Promise<BenchmarkResult[]> {
  try {
    return JSON.parse(await readFile(resultsFile, 'utf8')) as BenchmarkResult[];
  } catch {
    return [];
  }
}

const benchmarks = await loadBenchmarks();
console.log(
  `cx bench: ${benchmarks.length} benchmark(s) on ${os.cpus().length}x ${os.cpus()[0]?.model}, node ${process.version}`,
);
const fresh: BenchmarkResult[] = [];
for (const benchmark of benchmarks) {
  const result = await runBenchmark(benchmark);
  fresh.push(result);
  const vs =
    result.speedup === undefined
      ? ''
      : `  vs ${result.peer}: ${result.peerValue} ${result.unit} → speedup ${result.speedup}`;
  console.log(`${result.name.padEnd(28)} ${String(result.value).padStart(12)} ${result.unit}${vs}`);
}
const merged = new Map((await readPrevious()).map((result) => [result.name, result]));
for (const result of fresh) merged.set(result.name, result);
const ordered = [...merged.values()].sort((a, b) => a.name.localeCompare(b.name));
await writeFile(resultsFile, `${JSON.stringify(ordered, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), resultsFile)}`);
// Keep the table in BENCHMARKS.md in step with results.json.
await import('./render-report');
