import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConsoleSettings } from '#functions/console/settings';

type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

interface File {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page names the current hashed assets, so it is checked every time (cheaply: ETag). */
const REVALIDATE = 'no-cache';

const fileOf = (body: Buffer, type: string): File => ({
  body,
  gzipped: gzipSync(body, { level: 9 }),
  etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
  type,
});

export interface ConsoleFiles {
  page: File;
  /** By file name; every name carries its content's hash. */
  assets: Map<string, File>;
}

/** The built app (index.html and assets/), read once per cold start: it is small. */
export const loadConsoleFiles = (dir: string): ConsoleFiles => {
  const assetsDir = join(dir, 'assets');
  if (!existsSync(join(dir, 'index.html'))) {
    throw new Error(`The console is not built: no index.html in ${dir}`);
  }
  const assets = new Map<string, File>();
  for (const name of readdirSync(assetsDir)) {
    assets.set(
      name,
      fileOf(
        readFileSync(join(assetsDir, name)),
        TYPES[extname(name)] ?? 'application/octet-stream',
      ),
    );
  }
  return { page: fileOf(readFileSync(join(dir, 'index.html')), TYPES['.html'] ?? ''), assets };
};

/**
 * The headers every answer carries. Scripts and styles only from our own files (no inline code,
 * no other origin), API calls to ourselves and to the sign-in domain's token endpoint, and the
 * page may not be framed, leak its address, or have its types guessed.
 */
export const securityHeaders = (signInOrigin: string): Record<string, string> => ({
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${signInOrigin}`,
    `form-action 'self' ${signInOrigin}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
});

const header = (event: APIGatewayProxyEventV2, name: string) => event.headers?.[name] ?? '';

/** The file itself (gzipped when the browser takes it), or 304 when the browser has it already. */
const answerWith = (
  event: APIGatewayProxyEventV2,
  file: File,
  cacheControl: string,
  headers: Record<string, string>,
): Result => {
  const common = {
    ...headers,
    etag: file.etag,
    'cache-control': cacheControl,
    vary: 'accept-encoding',
  };
  const known = header(event, 'if-none-match')
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''));
  if (known.includes(file.etag) || known.includes('*')) {
    return { statusCode: 304, headers: common };
  }
  const gzip = /\bgzip\b/.test(header(event, 'accept-encoding'));
  return {
    statusCode: 200,
    headers: {
      ...common,
      'content-type': file.type,
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: (gzip ? file.gzipped : file.body).toString('base64'),
    isBase64Encoded: true,
  };
};

const ASSET = /^\/console\/assets\/([A-Za-z0-9._-]+)$/;

/**
 * GET /console and /console/{path+}: the hashed assets (cached for good), the sign-in settings,
 * and for every other path the page, so a reload of /console/reviews/123 or a link from an email
 * opens the console there.
 */
export const serveConsole = (
  event: APIGatewayProxyEventV2,
  files: ConsoleFiles,
  settings: ConsoleSettings,
): Result => {
  const headers = securityHeaders(settings.signInOrigin);
  const path = event.rawPath;
  if (path === '/console/config.json') {
    return {
      statusCode: 200,
      headers: { ...headers, 'content-type': 'application/json', 'cache-control': REVALIDATE },
      body: JSON.stringify(settings.config),
    };
  }
  if (path.startsWith('/console/assets/')) {
    const name = ASSET.exec(path)?.[1];
    const file = name === undefined ? undefined : files.assets.get(name);
    if (!file) {
      return {
        statusCode: 404,
        headers: { ...headers, 'content-type': 'application/json', 'cache-control': 'no-store' },
        body: JSON.stringify({
          error: { code: 'not_found', message: `No console file at ${path}` },
        }),
      };
    }
    return answerWith(event, file, IMMUTABLE, headers);
  }
  return answerWith(event, files.page, REVALIDATE, headers);
};
