import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { z } from 'zod';
import { type Caller, parseGroupsClaim } from '#shared/auth/roles';
import { type FieldIssue, NotAuthenticatedError, ValidationError } from '#shared/errors';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown): ApiResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** zod issues as the API reports them: one entry per bad field, unknown fields by name. */
export const fieldIssues = (error: z.ZodError, prefix = ''): FieldIssue[] =>
  error.issues.flatMap((issue) => {
    const at = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [at, key].filter(Boolean).join('.'),
        message: 'unknown field',
      }));
    }
    return [{ field: at || '(body)', message: issue.message }];
  });

const parseWith = <S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix = '',
): z.infer<S> => {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ValidationError(`Invalid ${what}`, fieldIssues(result.error, prefix));
  return result.data;
};

export const parseBody = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> => {
  if (!event.body)
    throw new ValidationError('A JSON body is required', [{ field: '(body)', message: 'missing' }]);
  const text = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError('The body is not valid JSON', [
      { field: '(body)', message: 'malformed JSON' },
    ]);
  }
  return parseWith(schema, value, 'request body');
};

export const parsePathParameters = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> =>
  parseWith(schema, event.pathParameters ?? {}, 'path', 'path');

/** The caller as the JWT authorizer vouched for it. Without claims, nobody is signed in. */
export const callerOf = (event: ApiEvent): Caller => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new NotAuthenticatedError('Sign in first');
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value : undefined;
  return {
    userId: sub,
    email: text(claims?.email)?.toLowerCase(),
    name: text(claims?.name),
    roles: parseGroupsClaim(claims?.['cognito:groups']),
  };
};
