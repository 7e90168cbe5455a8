import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleFiles, loadConsoleFiles, serveConsole } from '#functions/console/serve';
import { type ConsoleSettings, consoleSettings } from '#functions/console/settings';
import { type BuiltBrowserApp, buildBrowserApp } from '#infra/browser-app';
import { REPO_ROOT } from '#infra/chorus-function';
import { functions } from '#infra/declaration';

/**
 * The console's budget, gzipped JavaScript (the bench prints the figures): 60 KiB for what every
 * page loads first, and 30 KiB for each chunk a screen loads when it needs it (the charts).
 */
const FIRST_LOAD_BUDGET_BYTES = 60 * 1024;
const LAZY_CHUNK_BUDGET_BYTES = 30 * 1024;
const SIGN_IN = 'https://chorus-1234.auth.eu-west-1.amazoncognito.com';

let dir: string;
let built: BuiltBrowserApp;
let files: ConsoleFiles;
let settings: ConsoleSettings;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-console-'));
  built = await buildBrowserApp(functions.console.browserApp.entry, join(dir, 'app'));
  files = loadConsoleFiles(join(dir, 'app'));
  settings = consoleSettings({ SIGN_IN: JSON.stringify({ url: SIGN_IN, clientId: 'client-1' }) });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (path: string, headers: Record<string, string> = {}) =>
  serveConsole(
    {
      rawPath: path,
      headers,
      requestContext: { http: { method: 'GET' } },
    } as never as APIGatewayProxyEventV2,
    files,
    settings,
  );

const bodyOf = (answer: ReturnType<typeof get>) => {
  const raw = Buffer.from(answer.body ?? '', answer.isBase64Encoded ? 'base64' : 'utf8');
  return (answer.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
};

describe('the console’s bundle', () => {
  it('has hashed file names, and the page names exactly those', () => {
    expect(built.entry).toMatch(/^main-[A-Z0-9]{8}\.js$/);
    expect(built.scripts.every((name) => /^[a-z-]+-[A-Z0-9]{8}\.js$/.test(name))).toBe(true);
    expect(built.stylesheets).toEqual([expect.stringMatching(/^main-[A-Z0-9]{8}\.css$/)]);
    const page = readFileSync(join(dir, 'app', 'index.html'), 'utf8');
    expect(page).toContain(`<script type="module" src="/console/assets/${built.entry}"></script>`);
    expect(page).toContain(`href="/console/assets/${built.stylesheets[0]}"`);
    // The first load's other chunks are preloaded; a lazy chunk is not named by the page.
    for (const file of built.initial.filter((name) => name !== built.entry)) {
      expect(page).toContain(`<link rel="modulepreload" href="/console/assets/${file}">`);
    }
    for (const { chunk } of built.lazy) expect(page).not.toContain(chunk);
    // No inline script or style: the CSP allows none.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/<style|style=/);
  });

  it('loads marketing’s and the admin’s screens, and the chart library, only when shown: chunks imported by import()', () => {
    const script = (name: string) => readFileSync(join(dir, 'app', 'assets', name), 'utf8');
    const charts = built.lazy.find(({ chunk }) => chunk.startsWith('time-chart-'));
    expect(charts).toBeDefined();
    // uPlot's code (its class names) is in the chart chunk and in nothing every page loads.
    expect(script(charts?.chunk ?? '')).toContain('u-over');
    for (const name of built.initial) expect(script(name)).not.toContain('u-over');
    // The analytics screen's chunk asks for it beside itself, so it resolves under
    // /console/assets/; the analytics screen is itself a chunk the entry asks for.
    const analytics = built.lazy.find(({ chunk }) => chunk.startsWith('analytics-'));
    expect(script(analytics?.chunk ?? '')).toContain(`import("./${charts?.chunk}")`);
    expect(script(built.entry)).toContain(`import("./${analytics?.chunk}")`);
    // uPlot's rules are in the one stylesheet: the chunk brings no CSS (none may be inline).
    const css = readFileSync(join(dir, 'app', 'assets', built.stylesheets[0] ?? ''), 'utf8');
    expect(css).toContain('.uplot');
  });

  it('carries no zod: the API’s types reach the browser as types only', () => {
    expect(built.inputs.filter((input) => input.includes('node_modules/zod'))).toEqual([]);
    expect(built.inputs.some((input) => input.startsWith('shared/'))).toBe(false);
    for (const name of built.scripts) {
      const script = readFileSync(join(dir, 'app', 'assets', name), 'utf8');
      expect(script).not.toMatch(/ZodError|\$ZodType/);
    }
  });

  it('would show zod if a value import brought it in (the check above can fail)', async () => {
    const entry = join(dir, 'leaky.ts');
    writeFileSync(
      entry,
      `import { NetworkName } from '${join(REPO_ROOT, 'shared/networks/network.ts')}';\nconsole.log(NetworkName.options);\n`,
    );
    const leaky = await buildBrowserApp(entry, join(dir, 'leaky'));
    expect(leaky.inputs.some((input) => input.includes('node_modules/zod'))).toBe(true);
  });

  it('stays within its budgets: 60 KiB gzipped first, 30 KiB for each chunk loaded later', () => {
    const gzipped = (names: readonly string[]) =>
      names
        .map(
          (name) => gzipSync(readFileSync(join(dir, 'app', 'assets', name)), { level: 9 }).length,
        )
        .reduce((a, b) => a + b, 0);
    expect(gzipped(built.initial)).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
    expect(built.lazy.length).toBeGreaterThan(0);
    for (const { files } of built.lazy) {
      expect(gzipped(files)).toBeLessThanOrEqual(LAZY_CHUNK_BUDGET_BYTES);
    }
    // Every script built is either loaded first or a lazy chunk's: none is counted nowhere.
    const counted = new Set([...built.initial, ...built.lazy.flatMap(({ files }) => files)]);
    expect([...counted].sort()).toEqual([...built.scripts].sort());
  });
});

describe('the console function', () => {
  it('serves the page for /console and any path below it, revalidated every time', () => {
    for (const path of ['/console', '/console/', '/console/reviews/123']) {
      const answer = get(path);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('no-cache');
      expect(bodyOf(answer)).toContain(built.entry);
    }
  });

  it('sends a strict Content-Security-Policy, no referrer and no type guessing on every answer', () => {
    for (const path of [
      '/console',
      '/console/config.json',
      `/console/assets/${built.entry}`,
      '/console/assets/nope.js',
    ]) {
      const headers = get(path).headers;
      expect(headers['content-security-policy']).toBe(
        `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${SIGN_IN}; form-action 'self' ${SIGN_IN}; base-uri 'none'; frame-ancestors 'none'`,
      );
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('serves every chunk the page or a screen loads, as a script under the same CSP', () => {
    for (const name of built.scripts) {
      const answer = get(`/console/assets/${name}`);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.headers['content-security-policy']).toContain("script-src 'self';");
      expect(bodyOf(answer)).toBe(readFileSync(join(dir, 'app', 'assets', name), 'utf8'));
    }
  });

  it('caches hashed assets for good, with an ETag, and answers 304 when the browser has them', () => {
    const path = `/console/assets/${built.entry}`;
    const first = get(path);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const etag = first.headers.etag ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = get(path, { 'if-none-match': `W/"other", ${etag}` });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBeUndefined();
    expect(again.headers.etag).toBe(etag);
    expect(get(path, { 'if-none-match': '"other"' }).statusCode).toBe(200);
    // The page too: it changes with every deploy, and costs a 304 when it has not.
    const page = get('/console');
    expect(get('/console', { 'if-none-match': page.headers.etag ?? '' }).statusCode).toBe(304);
  });

  it('gzips for browsers that take it, and says the answer varies by it', () => {
    const path = `/console/assets/${built.entry}`;
    const zipped = get(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toBe('accept-encoding');
    expect(bodyOf(zipped)).toBe(bodyOf(get(path)));
  });

  it('answers an unknown asset 404 in the API’s error shape, never the page', () => {
    const answer = get('/console/assets/main-NOTTHERE.js');
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body ?? '')).toMatchObject({ error: { code: 'not_found' } });
    expect(get('/console/assets/../../etc/passwd').statusCode).toBe(404);
  });

  it('hands the browser its sign-in settings: Cognito’s hosted sign-in endpoints and the app client', () => {
    const answer = get('/console/config.json');
    expect(answer.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answer.body ?? '')).toEqual({
      clientId: 'client-1',
      authorizeUrl: `${SIGN_IN}/oauth2/authorize`,
      tokenUrl: `${SIGN_IN}/oauth2/token`,
      logoutUrl: `${SIGN_IN}/logout`,
    });
  });

  it('fails its cold start, naming the variable, when the sign-in settings are missing', () => {
    expect(() => consoleSettings({})).toThrow(/SIGN_IN/);
    expect(() => consoleSettings({ SIGN_IN: '{"url":"ftp://x","clientId":"c"}' })).toThrow(
      /SIGN_IN/,
    );
  });
});
