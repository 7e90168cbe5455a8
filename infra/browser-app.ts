import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '#infra/chorus-function';

/** Where the console's page finds its files; the console function serves this path. */
export const ASSETS_PATH = '/console/assets';

export interface BuiltBrowserApp {
  /** The hashed file names under `assets/`, scripts and stylesheets. */
  scripts: string[];
  stylesheets: string[];
  /** The script the page names: the app's entry. */
  entry: string;
  /** What every page loads first: the entry and the chunks it imports statically, at once. */
  initial: string[];
  /**
   * Each chunk loaded only when a screen asks for it (`import()`), with the chunks it needs that
   * the first load does not already bring: the chart library, for the analytics screen.
   */
  lazy: { chunk: string; files: string[] }[];
  /** Every source file that went into the bundle, relative to the repository. */
  inputs: string[];
}

const page = (
  entry: string,
  preload: readonly string[],
  stylesheets: readonly string[],
) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Chorus</title>
<link rel="icon" href="data:,">
${stylesheets.map((file) => `<link rel="stylesheet" href="${ASSETS_PATH}/${file}">`).join('\n')}
${preload.map((file) => `<link rel="modulepreload" href="${ASSETS_PATH}/${file}">`).join('\n')}
<script type="module" src="${ASSETS_PATH}/${entry}"></script>
</head>
<body>
<div id="app"><p class="boot">Loading Chorus…</p></div>
<noscript>The Chorus console needs JavaScript.</noscript>
</body>
</html>
`;

/**
 * Builds a browser app (Preact + TSX) into `outDir`: `index.html`, and `assets/` with names that
 * carry their content's hash, so they can be cached for good. The same build runs when the CDK
 * bundles the function and when the local runtime starts.
 */
export const buildBrowserApp = async (entry: string, outDir: string): Promise<BuiltBrowserApp> => {
  rmSync(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const entryPath = resolve(REPO_ROOT, entry);
  const result = await build({
    entryPoints: [entryPath],
    outdir: assets,
    bundle: true,
    format: 'esm',
    // A screen's heavy module (the charts) is its own chunk, loaded by `import()` when needed.
    splitting: true,
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(REPO_ROOT, 'functions/console/app/tsconfig.json'),
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const names = Object.keys(outputs).map((file) => basename(file));
  const scripts = names.filter((file) => file.endsWith('.js'));
  const stylesheets = names.filter((file) => file.endsWith('.css'));
  const entryOutput = Object.keys(outputs).find(
    (file) =>
      file.endsWith('.js') &&
      outputs[file]?.entryPoint !== undefined &&
      resolve(process.cwd(), outputs[file]?.entryPoint ?? '') === entryPath,
  );
  if (!entryOutput) throw new Error(`No script was built for ${entry}`);
  /** A file and every file it imports statically: what arrives with it. */
  const withStatic = (file: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(file)) return seen;
    seen.add(file);
    for (const imported of outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement') withStatic(imported.path, seen);
    }
    return seen;
  };
  const initial = withStatic(entryOutput);
  const dynamic = new Set(
    Object.values(outputs).flatMap((output) =>
      output.imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path),
    ),
  );
  const lazy = [...dynamic].map((chunk) => ({
    chunk: basename(chunk),
    files: [...withStatic(chunk)].filter((file) => !initial.has(file)).map((f) => basename(f)),
  }));
  const preload = [...initial].filter((file) => file !== entryOutput).map((f) => basename(f));
  writeFileSync(join(outDir, 'index.html'), page(basename(entryOutput), preload, stylesheets));
  return {
    scripts,
    stylesheets,
    entry: basename(entryOutput),
    initial: [...initial].map((file) => basename(file)),
    lazy,
    inputs: Object.keys(result.metafile.inputs).map((file) =>
      relative(REPO_ROOT, join(process.cwd(), file)),
    ),
  };
};
