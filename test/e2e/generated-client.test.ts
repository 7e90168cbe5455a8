import { fileURLToPath } from 'node:url';
import type { Middleware } from 'openapi-fetch';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, documentValidator, type OpenApiDocument } from '../fixtures/openapi-document';
import { marketingJourney } from './generated-client/journey';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The OpenAPI document as an outside team would use it: fetched from the running API, turned
 * into types by openapi-typescript, a journey written against those types type-checked by the
 * TypeScript compiler and then driven by openapi-fetch, and every answer (status, headers, body)
 * validated by Ajv against the document's own schema for its operation and status.
 */
const HERE = fileURLToPath(new URL('./generated-client/', import.meta.url));
const JOURNEY = `${HERE}journey.ts`;
const TYPES = `${HERE}api-types.ts`;

let runtime: RunningRuntime;
let document: OpenApiDocument;
let types: string;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  document = (await (await fetch(`${runtime.apiUrl}/openapi.json`)).json()) as OpenApiDocument;
});

afterAll(async () => {
  await runtime?.stop();
});

/**
 * The compiler's verdict on journey.ts (and any probe file) with api-types.ts replaced by the
 * generated types, under the repository's own compiler options.
 */
const typeErrors = (generated: string, probes: Record<string, string> = {}): string[] => {
  const { config } = ts.readConfigFile('tsconfig.json', ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, process.cwd());
  const served = new Map<string, string>([
    [TYPES, generated],
    ...Object.entries(probes).map(([name, text]): [string, string] => [`${HERE}${name}`, text]),
  ]);
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = served.get(fileName);
    return text === undefined
      ? getSourceFile.call(host, fileName, language, ...rest)
      : ts.createSourceFile(fileName, text, language);
  };
  host.fileExists = (fileName) => served.has(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => served.get(fileName) ?? readFile.call(host, fileName);
  const program = ts.createProgram({
    rootNames: [JOURNEY, ...Object.keys(probes).map((name) => `${HERE}${name}`)],
    options: { ...options, noEmit: true },
    host,
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (diagnostic) =>
        `${diagnostic.file?.fileName ?? ''}:${diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line ?? 0}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
    );
};

/** Sends a request outside the typed client, for what the types would not let it send. */
const raw = async (method: string, template: string, path: string, token: string, body: object) => {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    method,
    path: template,
    status: response.status,
    headers: response.headers,
    text: await response.text(),
  } satisfies Answer;
};

const token = async (role: string, email: string, name: string) => {
  const answer = await fetch(`${runtime.apiUrl}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role, email, name }),
  });
  return ((await answer.json()) as { token: string }).token;
};

describe('a client generated from the served OpenAPI document', () => {
  it('types the journey, and refuses at compile time a request the document forbids', async () => {
    // A copy: openapi-typescript resolves `$ref`s in place, and the checks read the document.
    types = astToString(await openapiTS(structuredClone(document) as never));
    expect(types.includes('"If-Match": string;'), 'If-Match is a required header').toBe(true);
    // Without the If-Match the server needs, the generated types do not compile.
    const probe = [
      "import createClient from 'openapi-fetch';",
      "import type { paths } from './api-types';",
      'const client = createClient<paths>();',
      "await client.PUT('/posts/{postId}', {",
      "  params: { path: { postId: 'p' } },",
      "  body: { title: 't', variants: [{ text: 'x' }], segments: ['s'] },",
      '});',
      'export {};',
    ].join('\n');
    // One program for both, so the large generated file is checked once.
    const errors = typeErrors(types, { 'probe.ts': probe });
    const inProbe = (error: string) => error.startsWith(`${HERE}probe.ts:`);
    expect(errors.filter((error) => !inProbe(error))).toEqual([]);
    expect(errors.filter(inProbe).join('\n')).toMatch(/header/);
  });

  it('drives a marketing journey whose every answer matches the document', async () => {
    const { check } = documentValidator(document);
    const seen: string[] = [];
    const problems: string[] = [];
    const observe: Middleware = {
      async onResponse({ request, response, schemaPath }) {
        seen.push(`${request.method} ${schemaPath} ${response.status}`);
        problems.push(
          ...check({
            method: request.method,
            path: schemaPath,
            status: response.status,
            headers: response.headers,
            text: await response.clone().text(),
          }),
        );
      },
    };
    const outcome = await marketingJourney({
      baseUrl: runtime.apiUrl,
      tokens: {
        author: await token('marketing', 'mia.client@example.com', 'Mia Marketing'),
        reviewer: await token('marketing', 'max.client@example.com', 'Max Marketing'),
        legal: await token('legal', 'lou.client@example.com', 'Lou Legal'),
        admin: await token('admin', 'ada.client@example.com', 'Ada Admin'),
        employee: await token('employee', 'sam.client@example.com', 'Sam Sales'),
      },
      observe,
      now: async () => {
        const status = await fetch(`${runtime.apiUrl}/_local/status`);
        return new Date(((await status.json()) as { now: string }).now);
      },
    });

    expect(problems).toEqual([]);
    expect(outcome.retry).toEqual({ status: 201, postId: outcome.postId, replayed: 'true' });
    expect(outcome.staleEdit).toEqual({ status: 409, code: 'conflict' });
    expect(outcome.outsider.status).toBe(401);
    expect(outcome.outsider.wwwAuthenticate).toMatch(/^Bearer/);
    expect(outcome.recipients).toBe(1);
    expect(outcome.csv.split('\n')[0]).toMatch(/network/i);
    expect(seen).toEqual(
      expect.arrayContaining([
        'POST /posts 201',
        'PUT /posts/{postId} 200',
        'PUT /posts/{postId} 409',
        'POST /posts/{postId}/submit 200',
        'POST /posts/{postId}/approve 200',
        'POST /campaigns/preview 202',
        'POST /campaigns 201',
        'GET /campaigns/{campaignId} 200',
        'GET /analytics 200',
        'GET /posts/{postId}/analytics 200',
        'GET /posts/{postId}/diff 200',
        'GET /audit 200',
        'GET /posts/{postId} 401',
      ]),
    );

    // What the types refused is refused by the server too: no If-Match and no version is a 400
    // naming `version`, for each kind of route that takes one (an edit, a decision, a person).
    const author = await token('marketing', 'mia.client@example.com', 'Mia Marketing');
    const legal = await token('legal', 'lou.client@example.com', 'Lou Legal');
    const admin = await token('admin', 'ada.client@example.com', 'Ada Admin');
    const { postId, employeeId } = outcome;
    const unversioned = [
      await raw('PUT', '/posts/{postId}', `/posts/${postId}`, author, {
        title: 'No version',
        variants: [{ text: 'Text' }],
        segments: ['sales'],
      }),
      await raw('POST', '/posts/{postId}/approve', `/posts/${postId}/approve`, legal, {}),
      await raw('PATCH', '/employees/{employeeId}', `/employees/${employeeId}`, admin, {
        department: 'Sales',
      }),
    ];
    for (const answer of unversioned) {
      expect(check(answer), answer.path).toEqual([]);
      expect(answer.status, answer.path).toBe(400);
      expect(JSON.parse(answer.text).error.fields, answer.path).toEqual([
        expect.objectContaining({ field: 'version' }),
      ]);
    }

    // What no operation matches is the $default route's: documented too, with its Allow header.
    const unmatched = await Promise.all(
      [
        ['PATCH', '/posts/{postId}', `/posts/${postId}`],
        ['GET', '/no-route-here', '/no-route-here'],
      ].map(async ([method = '', template = '', path = '']) => {
        const response = await fetch(`${runtime.apiUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${author}` },
        });
        return {
          method,
          path: template,
          status: response.status,
          headers: response.headers,
          text: await response.text(),
        } satisfies Answer;
      }),
    );
    expect(unmatched.map((answer) => answer.status)).toEqual([405, 404]);
    expect(unmatched[0]?.headers.get('allow')).toBe('GET, PUT, DELETE');
    for (const answer of unmatched) expect(check(answer), answer.path).toEqual([]);
  });
});
