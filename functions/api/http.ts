import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { z } from 'zod';
import { type Caller, parseGroupsClaim } from '#shared/auth/roles';
import { NotAuthenticatedError, NotFoundError, ValidationError } from '#shared/errors';
import { fieldIssues } from '#shared/field-issues';
import { hasLoneSurrogate, hasMalformedPercentEncoding } from '#shared/text/well-formed';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResponse = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown): ApiResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

// The background import reports row problems the same way, so the shape lives in shared/.
export { fieldIssues } from '#shared/field-issues';

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

const notUnicode = (field: string) =>
  new ValidationError('Text must be valid Unicode: a lone surrogate (such as \\ud800) is not', [
    { field, message: 'contains a lone surrogate' },
  ]);

/** Every key and value of a query or path map, refused once here rather than by each route. */
const assertWellFormed = (values: Record<string, string | undefined>, prefix: string) => {
  for (const [key, value] of Object.entries(values)) {
    if (hasLoneSurrogate(key) || (value !== undefined && hasLoneSurrogate(value))) {
      throw notUnicode(`${prefix}.${hasLoneSurrogate(key) ? '(name)' : key}`);
    }
  }
};

/** No body reads as `{}`, so the schema names each missing field rather than "no body". */
export const parseBody = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> => {
  if (!event.body) return parseWith(schema, {}, 'request body');
  const text = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
  if (hasLoneSurrogate(text)) throw notUnicode('(body)');
  // A CSV upload (the directory import) arrives as itself; its route's schema reads `csv`.
  if (header(event, 'content-type')?.toLowerCase().startsWith('text/csv')) {
    return parseWith(schema, { csv: text }, 'request body');
  }
  let value: unknown;
  // JSON's \ud800 escape makes a lone surrogate out of well-formed text: every key and string
  // the parser produces is checked as it is built.
  let surrogateAt: string | undefined;
  try {
    value = JSON.parse(text, (key, parsed: unknown) => {
      if (
        surrogateAt === undefined &&
        (hasLoneSurrogate(key) || (typeof parsed === 'string' && hasLoneSurrogate(parsed)))
      ) {
        surrogateAt = hasLoneSurrogate(key) ? '(a field name)' : key || '(body)';
      }
      return parsed;
    });
  } catch {
    throw new ValidationError('The body is not valid JSON', [
      { field: '(body)', message: 'malformed JSON' },
    ]);
  }
  if (surrogateAt !== undefined) throw notUnicode(surrogateAt);
  return parseWith(schema, value, 'request body');
};

/**
 * Path values are ids: one the schema refuses cannot exist, so it is not found (404) rather
 * than "invalid". A value that is not text at all (undecodable, not Unicode) is bad input (400).
 */
export const parsePathParameters = <S extends z.ZodType>(
  event: ApiEvent,
  schema: S,
): z.infer<S> => {
  const values = event.pathParameters ?? {};
  assertWellFormed(values, 'path');
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && hasMalformedPercentEncoding(value)) {
      throw new ValidationError('The path holds a malformed percent-encoding', [
        { field: `path.${name}`, message: 'malformed percent-encoding' },
      ]);
    }
  }
  const result = schema.safeParse(values);
  if (!result.success) {
    const name = String(result.error.issues[0]?.path[0] ?? 'resource');
    const entity = name.replace(/Id$/, '');
    throw new NotFoundError(entity.charAt(0).toUpperCase() + entity.slice(1), 'with this id');
  }
  return result.data;
};

export const parseQuery = <S extends z.ZodType>(event: ApiEvent, schema: S): z.infer<S> => {
  assertWellFormed(event.queryStringParameters ?? {}, 'query');
  return parseWith(schema, event.queryStringParameters ?? {}, 'query', 'query');
};

/** HTTP API v2 lowercases header names. */
export const header = (event: ApiEvent, name: string): string | undefined =>
  event.headers?.[name.toLowerCase()];

/**
 * The version an update says it edits: the body's `version`, or an If-Match header carrying the
 * ETag we served (`"3"`, weak or not). Without either, the update is refused rather than applied
 * blindly over someone else's change.
 */
export const expectedVersion = (event: ApiEvent, fromBody: number | undefined): number => {
  const ifMatch = header(event, 'if-match');
  const fromHeader = ifMatch?.match(/^(?:W\/)?"?(\d+)"?$/)?.[1];
  if (ifMatch !== undefined && fromHeader === undefined) {
    throw new ValidationError('If-Match must be an ETag this API served, such as "3"', [
      { field: 'If-Match', message: 'not a version ETag' },
    ]);
  }
  const version = fromBody ?? (fromHeader === undefined ? undefined : Number(fromHeader));
  if (version === undefined) {
    throw new ValidationError('Say which version you are changing', [
      { field: 'version', message: 'required, in the body or as an If-Match header' },
    ]);
  }
  return version;
};

export const etag = (version: number): string => `"${version}"`;

const SUBJECT = /^[\x21-\x7e]{1,256}$/;

/**
 * An email as the directory can hold it (at most 254 characters, as RFC 5321 allows): a longer
 * claim is no address this API can look up, and would not fit in a key.
 */
const emailOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= 254
    ? value.toLowerCase()
    : undefined;

/** API Gateway hands every claim over as a string ("true"); the local runtime does the same. */
const isTrue = (claim: unknown) => claim === true || claim === 'true';

/**
 * The caller as the JWT authorizer vouched for it. Without claims, nobody is signed in. Only an
 * ID token says who someone is (an access token carries no email), and only a verified email is
 * believed: `email` is absent otherwise.
 */
export const callerOf = (event: ApiEvent): Caller => {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub.length === 0) throw new NotAuthenticatedError('Sign in first');
  // The subject becomes part of stored keys: an issuer's ids are short and printable, and
  // anything else is not a token this API trusts, however it was signed.
  if (!SUBJECT.test(sub)) throw new NotAuthenticatedError('The token’s subject is not valid');
  if (claims?.token_use !== 'id') {
    throw new NotAuthenticatedError(
      'Send the ID token from sign-in: this API does not take access tokens',
    );
  }
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value : undefined;
  return {
    userId: sub,
    email: isTrue(claims.email_verified) ? emailOf(claims.email) : undefined,
    name: text(claims.name),
    roles: parseGroupsClaim(claims['cognito:groups']),
  };
};
