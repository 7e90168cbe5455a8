import { z } from 'zod';
import { defineRoute, type RouteSpec } from '#functions/api/route';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed input; `fields` names each bad field',
  401: 'Not signed in',
  403: 'Signed in, but not allowed (wrong role, or your own post)',
  404: 'Unknown id',
  409: 'The state does not allow it, or the version you sent is stale',
  422: 'The Idempotency-Key was used for a different request',
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
    ...(route.errors ?? []),
    ...(route.idempotent ? [422] : []),
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
      [route.response.status]: {
        description: route.response.description,
        content: { 'application/json': { schema: jsonSchema(route.response.schema, 'output') } },
      },
      ...Object.fromEntries(
        [...new Set(errors)].map((status) => [
          status,
          {
            description: ERROR_DESCRIPTIONS[status],
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
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
        'Employee advocacy: content approval bound to exact versions, compliance checks, scheduled shares, engagement. Roles are the sign-in groups marketing, legal, employee and admin (`x-chorus-roles`).',
    },
    security: [{ jwt: [] }],
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: jsonSchema(ErrorBody, 'output') },
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
