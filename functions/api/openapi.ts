import { z } from 'zod';
import { defineRoute, type RouteAnswer, type RouteSpec } from '#functions/api/route';

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
  405: 'This path does not take this method; `Allow` lists the ones it takes (`method_not_allowed`)',
  413: 'The gateway’s: the request body is too large',
  422: 'Well-formed, but it cannot be done as it stands; `message` says why',
  429: 'The gateway’s: too many requests; retry later',
  502: 'A social network did not answer, or its answer was lost (`network_unavailable`): nothing was connected; retry',
  500: 'Our fault (`{"error":…}`), or the function crashed (the gateway’s `{"message"}`)',
  503: 'Busy: the gateway’s (`{"message"}`: the function is unavailable or timed out), or ours (`busy`, with `Retry-After`: the table was over its throughput after our own retries); retry the same request later',
};

const OURS = { $ref: '#/components/schemas/Error' };
const GATEWAYS = { $ref: '#/components/schemas/GatewayError' };
/** Which shape each status can come in: ours, the gateway's, or either. */
const SHAPES: Record<number, object> = {
  401: { oneOf: [GATEWAYS, OURS] },
  413: GATEWAYS,
  429: GATEWAYS,
  500: { oneOf: [OURS, GATEWAYS] },
  503: { oneOf: [GATEWAYS, OURS] },
};

/** The cause of a 422 every idempotent route shares. */
const KEY_REUSED = 'The Idempotency-Key was used for a different request (`unprocessable`)';
/** The cause of a 409 every idempotent route shares. */
const KEY_IN_USE =
  'A request with the same Idempotency-Key is still being processed, or its key is being released: retry';

/** One line per tag, in the order a reader meets them. A tag missing here is listed bare. */
const TAGS: Record<string, string> = {
  posts: 'Marketing writes posts: copy variants per network and segment, versions and diffs',
  workflow: 'Submission, review and approval, bound to one exact version of a post',
  compliance: 'Dry-run checks of drafts and of an employee’s own words',
  campaigns: 'Scheduling an approved post for the opted-in employees of its segments',
  analytics: 'Reach, engagement, clicks and earned media value, each labelled by its source',
  library: 'What an employee may share',
  me: 'An employee’s own settings, connections, feed and shares',
  shares: 'Shares whose outcome needs a person',
  recognition: 'Points, thanks and leaderboards',
  employees: 'The directory: people, their attributes and the CSV import',
  segments: 'Groups of employees by rules over directory attributes',
  jobs: 'Background work (imports, previews) and its progress',
  policies: 'Versioned policies: approval, compliance, sharing, engagement, recognition',
  audit: 'The tamper-evident log of every decision',
  meta: 'This description',
};

type JsonSchema = Record<string, unknown>;

/**
 * What an `unknown` in a schema stands for once it has crossed the wire: any JSON value (an
 * audit entry's state before and after, a changed field's old and new value).
 */
const JSON_VALUE = { $ref: '#/components/schemas/JsonValue' };
// Not recursive: generated TypeScript types cannot say a type alias contains itself.
const JsonValueSchema = {
  description: 'Any JSON value',
  anyOf: [
    { type: 'null' },
    { type: 'boolean' },
    { type: 'number' },
    { type: 'string' },
    { type: 'array', items: true },
    { type: 'object', additionalProperties: true },
  ],
};

/** Request schemas are documented as clients send them (before defaults and transforms). */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema: generated }) => {
      if (zodSchema._zod.def.type !== 'unknown') return;
      for (const key of Object.keys(generated)) delete (generated as JsonSchema)[key];
      Object.assign(generated, JSON_VALUE);
    },
  }) as JsonSchema;
  return rest;
};

/** A response header as OpenAPI documents it. */
const headerOf = (description: string, schema: object, required: boolean) => ({
  description,
  required,
  schema,
});

const REPLAYED = headerOf(
  '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
  { type: 'string', const: 'true' },
  false,
);

/** Headers only some answers of a status carry, whichever route gave them. */
const ERROR_HEADERS: Record<number, Record<string, object>> = {
  401: {
    'WWW-Authenticate': headerOf(
      'The gateway’s JWT authorizer says `Bearer` (and why the token was refused); the API’s own 401 has none',
      { type: 'string' },
      false,
    ),
  },
  503: {
    'Retry-After': headerOf(
      'Seconds to wait, on our own `busy` (the gateway’s 503 has none)',
      { type: 'string', pattern: '^[0-9]+$' },
      false,
    ),
  },
};

/**
 * What a route that calls a social network answers beyond every route's: the network's rate
 * limit as our own 429 (beside the gateway's), with the wait it asked for.
 */
const NETWORK_RATE_LIMITED = {
  description:
    'Too many requests: the gateway’s throttle (`{"message"}`), or the social network limited the call (`network_rate_limited`, with `Retry-After`)',
  headers: {
    'Retry-After': headerOf(
      'Seconds to wait before trying again, as the social network asked (`network_rate_limited` only; the gateway’s 429 has none)',
      { type: 'string', pattern: '^[0-9]+$' },
      false,
    ),
  },
  shape: { oneOf: [GATEWAYS, OURS] },
};

/**
 * The answers of the `$default` route: a request no route matched, signed in or not. They belong
 * to no operation (a generated client cannot send them), so they stand in `components.responses`
 * and the document's root names them in `x-chorus-unmatched`.
 */
const UNMATCHED = {
  UnknownPath: {
    description: 'No route serves this path (`not_found`); the same answer with or without a token',
    content: { 'application/json': { schema: OURS } },
  },
  MethodNotAllowed: {
    description: ERROR_DESCRIPTIONS[405],
    headers: {
      Allow: headerOf(
        'The methods this path takes, comma-separated (`GET, PUT`)',
        { type: 'string', pattern: '^[A-Z]+(, [A-Z]+)*$' },
        true,
      ),
    },
    content: { 'application/json': { schema: OURS } },
  },
};

const contentOf = (answer: RouteAnswer) =>
  Object.fromEntries(
    (answer.mediaTypes ?? ['application/json']).map((mediaType) => [
      mediaType,
      {
        schema:
          mediaType === 'application/json'
            ? jsonSchema(answer.schema, 'output')
            : { type: 'string' },
      },
    ]),
  );

/**
 * A success answer with its headers: those its route declares, and `Idempotent-Replayed` on an
 * idempotent route. A replay carries only the stored status and body, so on an idempotent route
 * the route's own headers may be absent.
 */
const successOf = (route: RouteSpec, answer: RouteAnswer) => {
  const declared = Object.entries(answer.headers ?? {}).map(([name, header]) => [
    name,
    headerOf(
      route.idempotent ? `${header.description} (absent on a replayed answer)` : header.description,
      jsonSchema(header.schema, 'output'),
      !route.idempotent,
    ),
  ]);
  const headers = Object.fromEntries([
    ...declared,
    ...(route.idempotent ? [['Idempotent-Replayed', REPLAYED]] : []),
  ]);
  return {
    description: answer.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: contentOf(answer),
  };
};

/** A request body whose schema reads `csv` also comes as the file itself (see parseBody). */
const requestBodyOf = (body: z.ZodType) => {
  const schema = jsonSchema(body, 'input');
  const takesCsv = Object.hasOwn((schema.properties as object | undefined) ?? {}, 'csv');
  return {
    required: true,
    ...(takesCsv
      ? { description: 'JSON, or the CSV file itself as `text/csv` (it is read as `csv`)' }
      : {}),
    content: {
      'application/json': { schema },
      ...(takesCsv ? { 'text/csv': { schema: { type: 'string', minLength: 1 } } } : {}),
    },
  };
};

/**
 * An error's body: JSON in our shape or the gateway's. A route that refuses as a page says its
 * own refusals in HTML; the gateway's answers stay JSON.
 */
const errorContentOf = (route: RouteSpec, status: number) => {
  const shape =
    status === 429 && route.callsNetwork ? NETWORK_RATE_LIMITED.shape : (SHAPES[status] ?? OURS);
  if (route.refusalPage === undefined) return { 'application/json': { schema: shape } };
  return {
    ...(shape === OURS ? {} : { 'application/json': { schema: GATEWAYS } }),
    ...(shape === GATEWAYS ? {} : { 'text/html': { schema: { type: 'string' } } }),
  };
};

/** Every cause of a route's 409: its own, and an idempotent route's key in use. */
const conflictsOf = (route: RouteSpec) => [
  ...(route.conflicts ?? []),
  ...(route.idempotent ? [KEY_IN_USE] : []),
];

const listed = (heading: string, causes: readonly string[]) =>
  `${heading}\n${causes.map((cause) => `- ${cause}`).join('\n')}`;

const describeError = (route: RouteSpec, status: number): string => {
  if (status === 422) {
    const causes = [...(route.unprocessable ?? []), ...(route.idempotent ? [KEY_REUSED] : [])];
    if (causes.length === 0) return ERROR_DESCRIPTIONS[422] ?? '';
    return listed('Refused as it stands:', causes);
  }
  if (status === 409)
    return listed('Refused by the current state (`conflict`):', conflictsOf(route));
  if (status === 429 && route.callsNetwork) return NETWORK_RATE_LIMITED.description;
  if (status === 400 && route.ifMatch) {
    return `${ERROR_DESCRIPTIONS[400]}; also when neither \`If-Match\` nor \`version\` says which version you are changing`;
  }
  return ERROR_DESCRIPTIONS[status] ?? '';
};

const errorHeadersOf = (route: RouteSpec, status: number) =>
  status === 429 && route.callsNetwork ? NETWORK_RATE_LIMITED.headers : ERROR_HEADERS[status];

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
    // The server needs a version from one of two places and OpenAPI cannot say "one of a header
    // and a body field", so the header is required: a request this document allows always has
    // one. `version` in the body still works, and wins when both are sent.
    ...(route.ifMatch
      ? [
          {
            name: 'If-Match',
            in: 'header',
            required: true,
            description:
              'The ETag of the version you are changing, as an answer’s `ETag` header gave it (`"3"`). The server also takes `version` in the body instead (the body’s wins when both are sent); without either it answers 400.',
            schema: { type: 'string', pattern: '^(W/)?"?[0-9]+"?$' },
          },
        ]
      : []),
  ];
  const errors = [
    ...(route.body || route.query || route.params ? [400] : []),
    ...(route.roles === 'public' ? [] : [401, 403]),
    ...(route.params ? [404] : []),
    ...(route.errors ?? []),
    ...(conflictsOf(route).length > 0 ? [409] : []),
    ...(route.idempotent || (route.unprocessable ?? []).length > 0 ? [422] : []),
    // Any request can meet these, from the gateway.
    413,
    429,
    500,
    ...(route.callsNetwork ? [502] : []),
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
    ...(route.body ? { requestBody: requestBodyOf(route.body) } : {}),
    responses: {
      ...Object.fromEntries(
        [route.response, ...(route.response.alternative ? [route.response.alternative] : [])].map(
          (answer) => [answer.status, successOf(route, answer)],
        ),
      ),
      ...Object.fromEntries(
        [...new Set(errors)].map((status) => [
          status,
          {
            description: describeError(route, status),
            ...(errorHeadersOf(route, status) ? { headers: errorHeadersOf(route, status) } : {}),
            content: errorContentOf(route, status),
          },
        ]),
      ),
    },
  };
};

/** The OpenAPI 3.1 document, generated from the routes' own zod schemas. */
export const openApiDocument = (routes: Readonly<Record<string, RouteSpec>>) => {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const [routeKey, route] of Object.entries(routes)) {
    tags.add(route.tag);
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
        'Employee advocacy: content approval bound to exact versions, compliance checks, scheduled shares, engagement. Roles are the sign-in groups marketing, legal, employee and admin (`x-chorus-roles`).\n\nErrors come in two shapes. Every answer the API itself gives is `{"error":{"code","message",…}}` (`Error`); a path no route serves reaches the API through the gateway’s `$default` route and gets a 404 `not_found` (or, on a path served for other methods, 405 `method_not_allowed` with an `Allow` header) in that shape: `components.responses` `UnknownPath` and `MethodNotAllowed`, named in `x-chorus-unmatched`. A route that calls a social network (connecting an account) also answers 429 `network_rate_limited` with `Retry-After` and 502 `network_unavailable` itself. API Gateway’s own answers cannot be reshaped on an HTTP API and are `{"message"}` (`GatewayError`): the JWT authorizer’s 401, 413, 429, and a crashed or timed-out function’s 500/503; a 503 of ours (`busy`, with `Retry-After`) says the table was over its throughput after our own retries: send the same request again after the wait. A 409 and a 422 list their causes on each operation. Bad input is never a 5xx.',
    },
    servers: [
      {
        url: 'http://localhost:{port}',
        description: 'The local runtime (`npm start`; `--port` picks another port)',
        variables: { port: { default: '4000' } },
      },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'A deployed stack: its `ApiUrl` output (the `$default` stage)',
        variables: {
          apiId: { default: 'your-api-id', description: 'The HTTP API’s id' },
          region: { default: 'eu-west-1', description: 'The stack’s AWS region' },
        },
      },
    ],
    tags: [
      ...Object.keys(TAGS).filter((name) => tags.has(name)),
      ...[...tags].filter((name) => !(name in TAGS)).sort(),
    ].map((name) => (TAGS[name] ? { name, description: TAGS[name] } : { name })),
    security: [{ jwt: [] }],
    components: {
      securitySchemes: { jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Error: jsonSchema(ErrorBody, 'output'),
        GatewayError: jsonSchema(GatewayErrorBody, 'output'),
        JsonValue: JsonValueSchema,
      },
      responses: UNMATCHED,
    },
    // What the gateway's `$default` route answers, for any request no operation here matches.
    'x-chorus-unmatched': {
      unknownPath: { $ref: '#/components/responses/UnknownPath' },
      methodNotAllowed: { $ref: '#/components/responses/MethodNotAllowed' },
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
