/**
 * `npm run bench [-- --quick]`: every benchmark, each in a fresh process (they start their own
 * DynamoDB Local, and the SDK clients are one per process), then one table of every figure with
 * the baseline or limit it was measured against, also written to bench-results/<run>.json.
 * Exits non-zero when a figure misses its limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '#infra/chorus-function';
import type { Figure } from './figures';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const SECTIONS = [
  'compliance',
  'bundles',
  'share-requests',
  'runtime',
  'poller-calls',
  'import',
  'analytics',
] as const;
const chosen = values.only ? SECTIONS.filter((s) => values.only?.split(',').includes(s)) : SECTIONS;

const resultsDir = join(REPO_ROOT, 'bench-results');
mkdirSync(resultsDir, { recursive: true });
const scratch = join(resultsDir, '.figures.jsonl');
rmSync(scratch, { force: true });

const started = Date.now();
const failedSections: string[] = [];
for (const section of chosen) {
  console.error(`${section}…`);
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--no-warnings', join('test', 'bench', `${section}.bench.ts`)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        BENCH_QUICK: values.quick ? '1' : '0',
        BENCH_OUT: scratch,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    },
  );
  if (run.status !== 0) failedSections.push(section);
}
const seconds = (Date.now() - started) / 1000;

const figures: Figure[] = readFileSync(scratch, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Figure);
rmSync(scratch, { force: true });

const number = (n: number) =>
  Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
const verdict = (f: Figure) => (f.met === undefined ? '' : f.met ? 'ok' : 'MISSED');
const rows = figures.map((f) => [
  f.section,
  f.figure,
  `${number(f.value)} ${f.unit}`,
  f.ratio === undefined ? '' : `${number(f.ratio)}×`,
  f.against ?? '',
  verdict(f),
]);
const header = ['section', 'figure', 'value', 'ratio', 'measured against', ''];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
    .join('  ')
    .trimEnd();
console.log(
  `\nChorus benchmarks, ${values.quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s\n`,
);
console.log(line(header));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const row of rows) console.log(line(row));

const missed = figures.filter((f) => f.met === false);
const file = join(resultsDir, values.quick ? 'quick.json' : 'full.json');
writeFileSync(
  file,
  `${JSON.stringify(
    {
      run: values.quick ? 'quick' : 'full',
      at: new Date().toISOString(),
      seconds,
      node: process.version,
      failedSections,
      figures,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwritten to ${file}`);
if (failedSections.length > 0)
  console.log(`sections that failed to run: ${failedSections.join(', ')}`);
if (missed.length > 0) console.log(`${missed.length} figure(s) missed their limit`);
process.exitCode = failedSections.length > 0 || missed.length > 0 ? 1 : 0;
