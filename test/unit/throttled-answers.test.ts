import { describe, expect, it } from 'vitest';
import { toResponse } from '#functions/api/http-errors';
import { openApiDocument } from '#functions/api/openapi';
import { apiRoutes } from '#functions/api/router';
import { documentValidator, type OpenApiDocument } from '../fixtures/openapi-document';

const document = JSON.parse(JSON.stringify(openApiDocument(apiRoutes))) as OpenApiDocument;
const { check } = documentValidator(document);

/** An error as the AWS SDK throws it once its own retries gave up. */
const awsError = (name: string, extra: object = {}) =>
  Object.assign(new Error(`${name}: throttled`), { name, $metadata: {} }, extra);

const THROTTLED = [
  awsError('ProvisionedThroughputExceededException'),
  awsError('ThrottlingException'),
  awsError('RequestLimitExceeded'),
  awsError('TransactionCanceledException', {
    CancellationReasons: [{ Code: 'None' }, { Code: 'ThrottlingError' }],
  }),
];

describe('a table that throttles after the SDK’s own retries', () => {
  it('is answered 503 `busy` with Retry-After, never as our fault (500)', () => {
    for (const error of THROTTLED) {
      const response = toResponse(error);
      expect(response.statusCode, error.name).toBe(503);
      expect(JSON.parse(String(response.body)).error.code, error.name).toBe('busy');
      expect(response.headers?.['retry-after'], error.name).toMatch(/^[0-9]+$/);
    }
  });

  it('is an answer the document gives on every operation', () => {
    const response = toResponse(THROTTLED[0]);
    for (const [key, route] of Object.entries(apiRoutes)) {
      const [method = '', path = ''] = key.split(' ');
      if (route.refusalPage !== undefined) {
        // A route a person lands on says it as a page (the router turns every refusal into one).
        const busy = document.paths[path]?.[method.toLowerCase()]?.responses['503'];
        expect(Object.keys(busy?.content ?? {}), key).toContain('text/html');
        continue;
      }
      const headers = new Headers(response.headers as Record<string, string>);
      const answer = { method, path, status: 503, headers, text: String(response.body) };
      expect(check(answer), key).toEqual([]);
    }
  });

  it('leaves any other failed transaction to the 500 it is', () => {
    const conflict = awsError('TransactionCanceledException', {
      CancellationReasons: [{ Code: 'ValidationError' }],
    });
    expect(toResponse(conflict).statusCode).toBe(500);
  });
});
