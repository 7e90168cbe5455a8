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
  /** Every source file that went into the bundle, relative to the repository. */
  inputs: string[];
}

const page = (scripts: readonly string[], stylesheets: readonly string[]) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Chorus</title>
<link rel="icon" href="data:,">
${stylesheets.map((file) => `<link rel="stylesheet" href="${ASSETS_PATH}/${file}">`).join('\n')}
${scripts.map((file) => `<script type="module" src="${ASSETS_PATH}/${file}"></script>`).join('\n')}
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
  const result = await build({
    entryPoints: [resolve(REPO_ROOT, entry)],
    outdir: assets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(REPO_ROOT, 'functions/console/app/tsconfig.json'),
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
  const scripts = outputs.filter((file) => file.endsWith('.js'));
  const stylesheets = outputs.filter((file) => file.endsWith('.css'));
  writeFileSync(join(outDir, 'index.html'), page(scripts, stylesheets));
  return {
    scripts,
    stylesheets,
    inputs: Object.keys(result.metafile.inputs).map((file) =>
      relative(REPO_ROOT, join(process.cwd(), file)),
    ),
  };
};
