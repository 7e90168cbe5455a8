import type { ApiEvent } from '#functions/api/http';
import { NotFoundError } from '#shared/errors';

/** API Gateway's own name for the route that catches every request no other route matched. */
export const DEFAULT_ROUTE_KEY = '$default';

/** A path this API serves, asked with a method it does not take there. */
export class MethodNotAllowedError extends Error {
  override readonly name = 'MethodNotAllowedError';
  constructor(
    method: string,
    readonly allow: readonly string[],
  ) {
    super(`This path does not take ${method}; it takes ${allow.join(', ')}`);
  }
}

const patternOf = (path: string) =>
  new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}$`);

/**
 * What the `$default` route answers: a request no declared route matched. The gateway sends it
 * here (rather than answering its own `{"message":"Not Found"}`) so that every refusal a client
 * sees from us has one shape. It reads nothing and needs no sign-in.
 */
export const unknownRoute = (event: ApiEvent, routeKeys: readonly string[]): never => {
  const method = event.requestContext.http?.method ?? 'GET';
  const path = event.rawPath ?? event.requestContext.http?.path ?? '/';
  const allow = routeKeys.flatMap((key) => {
    const [routeMethod = '', routePath = ''] = key.split(' ');
    return patternOf(routePath).test(path) ? [routeMethod] : [];
  });
  if (allow.length > 0 && !allow.includes(method)) throw new MethodNotAllowedError(method, allow);
  throw new NotFoundError('Route', `${method} ${path.slice(0, 200)}`);
};
