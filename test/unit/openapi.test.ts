import { createConfig, lintFromString } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '#functions/api/openapi';
import { apiRoutes } from '#functions/api/router';
import {
  documentValidator,
  type OpenApiDocument,
  operationsOf,
} from '../fixtures/openapi-document';

const document = JSON.parse(JSON.stringify(openApiDocument(apiRoutes))) as OpenApiDocument;
const operations = operationsOf(document);
const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const operation = (key: string) => {
  const found = operations.find(({ method, path }) => keyOf(method, path) === key);
  if (!found) throw new Error(`${key} is not documented`);
  return found.operation;
};
const successes = (key: string) =>
  Object.entries(operation(key).responses).filter(([status]) => status.startsWith('2'));

/** Every schema object under `value` that says nothing at all: a client cannot type it. */
const emptySchemas = (value: unknown, at: string): string[] => {
  if (!value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => emptySchemas(item, `${at}/${i}`));
  return Object.entries(value).flatMap(([key, child]) => {
    const here = `${at}/${key}`;
    const isSchemaSlot = key === 'schema' || key === 'items' || /\/properties$/.test(at);
    const empty =
      isSchemaSlot && child && typeof child === 'object' && Object.keys(child).length === 0;
    return [...(empty ? [here] : []), ...emptySchemas(child, here)];
  });
};

describe('the OpenAPI document', () => {
  it('passes Redocly’s recommended rules without an error', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(document),
      absoluteRef: 'openapi.json',
      config,
    });
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
    // The $default route's answers belong to no operation: the root's `x-chorus-unmatched` names
    // them, which Redocly does not count as a use. Any other unused component is still reported.
    const unmatched = Object.values(document['x-chorus-unmatched'] ?? {}).map(({ $ref }) => $ref);
    expect(unmatched).toEqual([
      '#/components/responses/UnknownPath',
      '#/components/responses/MethodNotAllowed',
    ]);
    const unused = problems
      .filter((problem) => problem.ruleId === 'no-unused-components')
      .map((problem) => problem.location[0]?.pointer);
    expect(unused.sort()).toEqual([...unmatched].sort());
    // The local runtime's server is localhost on purpose; no other warning is tolerated.
    expect(
      [...new Set(problems.map((problem) => problem.ruleId))].filter(
        (rule) => !['no-server-example.com', 'info-license', 'no-unused-components'].includes(rule),
      ),
    ).toEqual([]);
  });

  it('compiles every request and answer schema with Ajv’s JSON Schema 2020-12', () => {
    const { schemaAt } = documentValidator(document);
    let compiled = 0;
    for (const { method, path, operation: op } of operations) {
      for (const [mediaType] of Object.entries(op.requestBody?.content ?? {})) {
        schemaAt('paths', path, method, 'requestBody', 'content', mediaType, 'schema');
        compiled += 1;
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const base = ['paths', path, method, 'responses', status];
        for (const mediaType of Object.keys(response.content ?? {})) {
          schemaAt(...base, 'content', mediaType, 'schema');
          compiled += 1;
        }
        for (const header of Object.keys(response.headers ?? {})) {
          schemaAt(...base, 'headers', header, 'schema');
          compiled += 1;
        }
      }
    }
    expect(compiled).toBeGreaterThan(operations.length * 5);
  }, 60_000);

  it('gives every answer a schema that says something (no `{}`)', () => {
    const answers = operations.map(({ method, path, operation: op }) => [
      keyOf(method, path),
      op.responses,
    ]);
    expect(emptySchemas(Object.fromEntries(answers), '')).toEqual([]);
    const view = operation('GET /posts/{postId}').responses['200']?.content?.['application/json'];
    expect(JSON.stringify(view)).toContain('"expiresAt":{"type":"string","format":"date-time"');
    const diff = JSON.stringify(operation('GET /posts/{postId}/diff').responses['200']);
    expect(diff).toContain('"before":{"$ref":"#/components/schemas/JsonValue"}');
    const audit = JSON.stringify(operation('GET /audit').responses['200']);
    expect(audit).toContain('"after":{"$ref":"#/components/schemas/JsonValue"}');
    const { schemaAt } = documentValidator(document);
    const json = schemaAt('components', 'schemas', 'JsonValue');
    for (const value of [null, true, 3, 'text', ['a', { b: [1] }], { a: { b: null } }]) {
      expect(json(value), JSON.stringify(value)).toBe(true);
    }
  });

  it('documents the ETag on every answer that carries the version, required where no replay can drop it', () => {
    for (const key of [
      'GET /posts/{postId}',
      'PUT /posts/{postId}',
      'POST /posts/{postId}/submit',
      'POST /posts/{postId}/approve',
      'GET /policies/sharing',
      'PUT /policies/sharing',
      'GET /employees/{employeeId}',
      'PATCH /employees/{employeeId}',
    ]) {
      const [, answer] = successes(key)[0] ?? [];
      expect(answer?.headers?.ETag?.required, key).toBe(true);
    }
    // A replayed creation answers its stored status and body only.
    expect(successes('POST /posts')[0]?.[1].headers?.ETag?.required).toBe(false);
  });

  it('documents Idempotent-Replayed on every success of every idempotent route, and nowhere else', () => {
    for (const { method, path, operation: op } of operations) {
      const idempotent = (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key');
      for (const [status, answer] of Object.entries(op.responses)) {
        const replayed = answer.headers?.['Idempotent-Replayed'] !== undefined;
        expect(replayed, `${keyOf(method, path)} ${status}`).toBe(
          idempotent && status.startsWith('2'),
        );
      }
    }
  });

  it('documents WWW-Authenticate on every 401', () => {
    const unauthorised = operations.flatMap(({ operation: op }) =>
      op.responses['401'] ? [op.responses['401']] : [],
    );
    expect(unauthorised.length).toBeGreaterThan(50);
    for (const answer of unauthorised) expect(answer.headers?.['WWW-Authenticate']).toBeDefined();
  });

  it('requires If-Match wherever the server needs a version and the body may leave it out', () => {
    for (const [key, route] of Object.entries(apiRoutes)) {
      const [method = '', path = ''] = key.split(' ');
      const ifMatch = operation(keyOf(method, path)).parameters?.find((p) => p.name === 'If-Match');
      expect(ifMatch?.required, key).toBe(route.ifMatch ? true : undefined);
    }
  });

  it('says why each 422 happens, and names the Idempotency-Key only where there is one', () => {
    for (const { method, path, operation: op } of operations) {
      const refusal = op.responses['422'];
      if (!refusal) continue;
      const idempotent = (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key');
      expect(refusal.description.includes('Idempotency-Key'), keyOf(method, path)).toBe(idempotent);
      expect(
        refusal.description,
        `${keyOf(method, path)} answers 422: say why in its route's \`unprocessable\``,
      ).toMatch(/^Refused as it stands:\n- /);
    }
    expect(operation('POST /me/shares').responses['422']?.description).toContain(
      'compliance_blocked',
    );
  });

  it('says why each 409 happens, route by route, and names the Idempotency-Key only where there is one', () => {
    let conflicts = 0;
    for (const { method, path, operation: op } of operations) {
      const refusal = op.responses['409'];
      const route = apiRoutes[keyOf(method, path)];
      const idempotent = (op.parameters ?? []).some((p) => p.name === 'Idempotency-Key');
      expect(refusal !== undefined, keyOf(method, path)).toBe(
        idempotent || (route?.conflicts ?? []).length > 0,
      );
      if (!refusal) continue;
      conflicts += 1;
      expect(refusal.description.includes('Idempotency-Key'), keyOf(method, path)).toBe(idempotent);
      expect(
        refusal.description,
        `${keyOf(method, path)} answers 409: say why in its route's \`conflicts\``,
      ).toMatch(/^Refused by the current state \(`conflict`\):\n- [^\n]+/);
    }
    expect(conflicts).toBeGreaterThan(20);
    // One cause per line, the route's own first: the stale version an edit meets is named.
    expect(operation('PUT /posts/{postId}').responses['409']?.description).toMatch(
      /\n- The version you edited is not the post’s current one[^\n]*\n- A campaign of the post is scheduled/,
    );
    expect(operation('PUT /policies/sharing').responses['409']?.description).toContain(
      'someone saved it since',
    );
  });

  it('documents our own 429 (with Retry-After) and 502 on the routes that call a social network, and only there', () => {
    for (const [key, route] of Object.entries(apiRoutes)) {
      const [method = '', path = ''] = key.split(' ');
      const { responses } = operation(keyOf(method, path));
      const limited = JSON.stringify(responses['429']);
      expect(responses['502'] !== undefined, key).toBe(route.callsNetwork === true);
      expect(limited.includes('Retry-After'), key).toBe(route.callsNetwork === true);
      // Ours as JSON, or as a page on a route that answers a person.
      const ours = ['#/components/schemas/Error"', '"text/html"'].some((it) =>
        limited.includes(it),
      );
      expect(ours, key).toBe(route.callsNetwork === true);
    }
    for (const key of [
      'PUT /me/connections/{network}',
      'POST /me/connections/{network}/authorize',
      'GET /oauth/{network}/callback',
    ]) {
      expect(apiRoutes[key]?.callsNetwork, key).toBe(true);
    }
    // The callback answers a person: its refusals, 429 and 502 included, are pages.
    expect(
      Object.keys(operation('GET /oauth/{network}/callback').responses['502']?.content ?? {}),
    ).toEqual(['text/html']);
  });

  it('documents what the $default route answers: 404 for an unknown path, 405 with Allow', () => {
    const { check } = documentValidator(document);
    const problem = (code: string) => JSON.stringify({ error: { code, message: 'm' } });
    const unmatched = (method: string, path: string, status: number, headers = {}, code = '') => ({
      method,
      path,
      status,
      headers: new Headers({ 'content-type': 'application/json', ...headers }),
      text: problem(code),
    });
    expect(check(unmatched('GET', '/no-route-here', 404, {}, 'not_found'))).toEqual([]);
    expect(
      check(unmatched('PATCH', '/posts/{postId}', 405, { allow: 'GET, PUT, DELETE' }, 'm')),
    ).toEqual([]);
    expect(check(unmatched('PATCH', '/posts/{postId}', 405, {}, 'm'))).toEqual([
      'PATCH /posts/{postId} 405: required header Allow missing',
    ]);
    // A method the path takes is its operation's to answer, never the $default route's.
    expect(check(unmatched('GET', '/posts/{postId}', 405, { allow: 'GET' }))).toEqual([
      'GET /posts/{postId} 405: status not documented',
    ]);
  });

  it('documents the CSV an import takes, and the CSV and HTML some answers are', () => {
    for (const key of ['POST /employees/import', 'PUT /jobs/{jobId}/parts/{part}']) {
      expect(Object.keys(operation(key).requestBody?.content ?? {}), key).toEqual([
        'application/json',
        'text/csv',
      ]);
    }
    expect(Object.keys(operation('GET /analytics').responses['200']?.content ?? {})).toEqual([
      'application/json',
      'text/csv',
    ]);
    const callback = operation('GET /oauth/{network}/callback').responses;
    expect(Object.keys(callback['200']?.content ?? {})).toEqual(['text/html']);
    expect(Object.keys(callback['400']?.content ?? {})).toEqual(['text/html']);
  });

  it('names its servers and describes every tag its operations use', () => {
    expect(document.servers?.map((server) => server.url)).toEqual([
      'http://localhost:{port}',
      'https://{apiId}.execute-api.{region}.amazonaws.com',
    ]);
    const used = new Set(operations.flatMap(({ operation: op }) => op.tags));
    const listed = document.tags ?? [];
    expect(listed.map((tag) => tag.name).sort()).toEqual([...used].sort());
    for (const tag of listed) {
      expect(tag.description, `describe the tag ${tag.name} in openapi.ts's TAGS`).toBeTruthy();
    }
  });

  it('has a checker that catches an answer the document does not describe', () => {
    const { check } = documentValidator(document);
    const answer = (status: number, headers: Record<string, string>, body: unknown) => ({
      method: 'GET',
      path: '/posts/{postId}',
      status,
      headers: new Headers({ 'content-type': 'application/json', ...headers }),
      text: JSON.stringify(body),
    });
    const problem = { error: { code: 'not_found', message: 'Post p was not found' } };
    expect(check(answer(404, {}, problem))).toEqual([]);
    expect(check(answer(404, { etag: '"1"' }, problem))).toEqual([
      'GET /posts/{postId} 404: header etag sent but not documented',
    ]);
    expect(check(answer(404, {}, { error: { code: 'not_found' } }))[0]).toMatch(
      /404 body: \/error must have required property 'message'/,
    );
    expect(check(answer(418, {}, problem))).toEqual([
      'GET /posts/{postId} 418: status not documented',
    ]);
    expect(check(answer(200, {}, { post: {} })).join('\n')).toMatch(
      /required header ETag missing[\s\S]*must have required property/,
    );
  });
});
