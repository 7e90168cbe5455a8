/**
 * Bench section: each Lambda's bundle, built with the stack's own esbuild settings, and how long
 * its module takes to load in a fresh Node process (the init part of a cold start), against an
 * empty module loaded the same way in the same run; and each browser app's gzipped JavaScript,
 * built as the stack builds it, against its budget.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { buildBrowserApp } from '#infra/browser-app';
import { LAMBDA_BUNDLING, REPO_ROOT } from '#infra/chorus-function';
import { ENV, type FunctionDeclaration, functions } from '#infra/declaration';
import { type Figure, percentile, progress, quick, report } from './figures';

const SIZE_LIMIT_KB = 1_500;
const INIT_LIMIT_MS = 400;
/** What a phone on a slow connection loads quickly: the console's budget for every page's first load. */
const BROWSER_JS_LIMIT_KB = 60;
/** Each chunk a screen loads when it needs it (the analytics screen's charts). */
const BROWSER_CHUNK_LIMIT_KB = 30;
/** Fresh processes per module: the median damps a noisy machine. */
const SAMPLES = quick ? 2 : 7;

const out = mkdtempSync(join(tmpdir(), 'chorus-bundles-'));

/** What the stack sets; handlers read their configuration while loading. */
const environment = {
  ...process.env,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  ...Object.fromEntries(Object.values(ENV).map((name) => [name, `bench-${name.toLowerCase()}`])),
  [ENV.apiUrl]: 'https://api.chorus.example',
  // As deployed: a KMS key ARN; nothing calls KMS while the module loads.
  [ENV.tokenKey]: 'kms:arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
  [ENV.shareQueue]: 'https://sqs.us-east-1.amazonaws.com/000000000000/chorus-share',
  [ENV.shareDeadLetterQueue]: 'https://sqs.us-east-1.amazonaws.com/000000000000/chorus-share-dlq',
};

/** Milliseconds to import the module, measured inside a new Node process. */
const initMs = (file: string): number => {
  const samples = Array.from({ length: SAMPLES }, () => {
    const printed = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`,
        // Lambda's own start-up is not the module's: only the import is timed.
      ],
      { env: environment, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return Number(printed.trim().split('\n').at(-1));
  }).sort((a, b) => a - b);
  return percentile(samples, 50);
};

const emptyModule = join(out, 'empty.mjs');
writeFileSync(emptyModule, 'export const handler = async () => undefined;\n');
const baseline = initMs(emptyModule);

const figures: Figure[] = [];
for (const [name, declaration] of Object.entries(functions)) {
  progress(`bundles: ${name}`);
  const file = join(out, `${name}.mjs`);
  await build({
    entryPoints: [join(REPO_ROOT, declaration.entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    logLevel: 'silent',
  });
  const kb = statSync(file).size / 1024;
  const ms = initMs(file);
  figures.push(
    {
      section: 'Lambda bundles',
      figure: `${name} bundle`,
      value: kb,
      unit: 'KiB',
      against: `limit ${SIZE_LIMIT_KB.toLocaleString('en')} KiB (minified, without source map)`,
      met: kb <= SIZE_LIMIT_KB,
    },
    {
      section: 'Lambda bundles',
      figure: `${name} module init`,
      value: ms,
      unit: 'ms',
      against: `empty module ${baseline.toFixed(1)} ms; limit ${INIT_LIMIT_MS} ms`,
      met: ms <= INIT_LIMIT_MS,
    },
  );
}
for (const [name, declaration] of Object.entries(functions) as [string, FunctionDeclaration][]) {
  if (!declaration.browserApp) continue;
  progress(`bundles: ${name} browser app`);
  const appDir = join(out, `${name}-app`);
  const built = await buildBrowserApp(declaration.browserApp.entry, appDir);
  const gzippedKb = (files: readonly string[]) =>
    files
      .map((file) => gzipSync(readFileSync(join(appDir, 'assets', file)), { level: 9 }).length)
      .reduce((a, b) => a + b, 0) / 1024;
  const first = gzippedKb(built.initial);
  figures.push({
    section: 'Browser apps',
    figure: `${name} JavaScript every page loads first, gzipped`,
    value: first,
    unit: 'KiB',
    against: `limit ${BROWSER_JS_LIMIT_KB} KiB (${built.initial.length} script(s), minified, gzip -9 as served)`,
    met: first <= BROWSER_JS_LIMIT_KB,
  });
  for (const { chunk, files } of built.lazy) {
    const kb = gzippedKb(files);
    figures.push({
      section: 'Browser apps',
      figure: `${name} chunk ${chunk.replace(/-[A-Z0-9]{8}\.js$/, '')} (loaded when needed), gzipped`,
      value: kb,
      unit: 'KiB',
      against: `limit ${BROWSER_CHUNK_LIMIT_KB} KiB (what it adds to the first load)`,
      met: kb <= BROWSER_CHUNK_LIMIT_KB,
    });
  }
}
rmSync(out, { recursive: true, force: true });
report(figures);
