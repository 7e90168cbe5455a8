import { z } from 'zod';
import { defineRoute, type RouteSpec } from '#functions/api/route';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

/** API Gateway's own answers, which an HTTP API cannot reshape: `{"message":"Unauthorized"}`. */
const GatewayErrorBody = z.object({ message: z.string() });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed input (also text that is not Unicode, or a path that does not decode); `fields` names each bad field',
  401: 'Not signed in: the gateway’s JWT authorizer answers `{"message":"Unauthorized"}`; a token the API itself refuses gets `{"error":…}`',
  403: 'Signed in, but not allowed (wrong role, or your own post)',
  404: 'Unknown id (also an id of a shape that cannot exist)',
  409: 'The state does not allow it, or the version you sent is stale',
  413: 'The gateway’s: the request body is too large',
  422: 'The Idempotency-Key was used for a different request',
  429: 'The gateway’s: too many requests; retry later',
  500: 'Our fault (`{"error":…}`), or the function crashed (the gateway’s `{"message"}`)',
  503: 'The gateway’s: the function is unavailable or timed out; retry later',
};

const OURS = { $ref: '#/components/schemas/Error' };
const GATEWAYS = { $ref: '#/components/schemas/GatewayError' };
/** Which shape each status can come in: ours, the gateway's, or either. */
const SHAPES: Record<number, object> = {
  401: { oneOf: [GATEWAYS, OURS] },
  413: GATEWAYS,
  429: GATEWAYS,
  500: { oneOf: [OURS, GATEWAYS] },
  503: GATEWAYS,
};

type JsonSchema = Record<string, unknown>;

/** Request schemas are documented as clients send them (before defaults and transforms). */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
};

const parametersOf = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
};

const operationOf = (routeKey: string, route: RouteSpec) => {
  const headers = [
    ...(route.idempotent
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description: 'A retried request with the same key answers as the first one did',
            schema: { type: 'string', maxLength: 255 },
          },
        ]
      : []),
    ...(route.ifMatch
      ? [
          {
            name: 'If-Match',
            in: 'header',
            required: false,
            description: 'The ETag (version) you are changing, instead of `version` in the body',
            schema: { type: 'string' },
          },
        ]
      : []),
  ];
  const errors = [
    ...(route.body || route.query || route.params ? [400] : []),
    ...(route.roles === 'public' ? [] : [401, 403]),
    ...(route.params ? [404] : []),
    ...(route.errors ?? []),
    ...(route.idempotent ? [422] : []),
    // Any request can meet these, from the gateway.
    413,
    429,
    500,
    503,
  ];
  return {
    operationId: routeKey.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, ''),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    ...(route.roles === 'public' ? { security: [] } : { 'x-chorus-roles': route.roles }),
    parameters: [
      ...parametersOf(route.params, 'path'),
      ...parametersOf(route.query, 'query'),
      ...headers,
    ],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
          },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        [route.response, ...(route.response.alternative ? [route.response.alternative] : [])].map(
          (answer) => [
            answer.status,
            {
              description: answer.description,
              content: { 'application/json': { schema: jsonSchema(answer.schema, 'output') } },
            },
          ],
        ),
      ),
      ...Object.fromEntries(
        [...new Set(errors)].map((status) => [
          status,
          {
            description: ERROR_DESCRIPTIONS[status],
            content: { 'application/json': { schema: SHAPES[status] ?? OURS } },
          },
        ]),
      ),
    },
  };
};

/** The OpenAPI 3.1 document, generated from the routes' own zod schemas. */
export const openApiDocument = (routes: Readonly<Record<string, RouteSpec>>) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [routeKey, route] of Object.entries(routes)) {
    const [method = '', path = ''] = routeKey.split(' ');
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = operationOf(routeKey, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Chorus API',
      version: '1.0.0',
      description:
        'Employee advocacy: content approval bound to exact versions, compliance checks, scheduled shares, engagement. Roles are the sign-in groups marketing, legal, employee and admin (`x-chorus-roles`).\n\nErrors come in two shapes. Every answer the API itself gives is `{"error":{"code","message",…}}` (`Error`); a path no route serves reaches the API through the gateway’s `$default` route and gets a 404 `not_found` (or 405 `method_not_allowed` with an `Allow` header) in that shape. API Gateway’s own answers cannot be reshaped on an HTTP API and are `{"message"}` (`GatewayError`): the JWT authorizer’s 401, 413, 429, and a crashed or timed-out function’s 500/503. Bad input is never a 5xx.',
    },
    security: [{ jwt: [] }],
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: jsonSchema(ErrorBody, 'output'),
        GatewayError: jsonSchema(GatewayErrorBody, 'output'),
      },
    },
    paths,
  };
};

export const openApiRoute = (routes: () => Readonly<Record<string, RouteSpec>>) => {
  let document: unknown;
  return defineRoute({
    summary: 'This API description (OpenAPI 3.1)',
    tag: 'meta',
    roles: 'public',
    response: { status: 200, description: 'The OpenAPI document', schema: z.unknown() },
    async handle() {
      document ??= openApiDocument(routes());
      return { status: 200, body: document };
    },
  });
};
