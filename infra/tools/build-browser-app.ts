import { buildBrowserApp } from '#infra/browser-app';

/**
 * `tsx infra/tools/build-browser-app.ts <entry> <outDir>`: the CDK runs this after bundling a
 * function that declares a browser app, so the app ships in the function's own asset.
 */
const [entry, outDir] = process.argv.slice(2);
if (!entry || !outDir) {
  console.error('usage: tsx infra/tools/build-browser-app.ts <entry> <outDir>');
  process.exit(2);
}
const built = await buildBrowserApp(entry, outDir);
console.error(`browser app: ${[...built.scripts, ...built.stylesheets].join(', ')}`);
