import type { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import type { Caller, Role } from '#shared/auth/roles';
import type { TransactItem } from '#shared/store/transact';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set-Cookie values; HTTP API sends each as its own header. */
  cookies?: string[];
}

/** A header an answer carries, documented beside its body. */
export interface AnswerHeader {
  description: string;
  schema: z.ZodType;
}

export interface RouteAnswer {
  status: number;
  description: string;
  schema: z.ZodType;
  /** The headers this answer sets (by their canonical names, e.g. `ETag`). */
  headers?: Readonly<Record<string, AnswerHeader>>;
  /**
   * The media types it can come in; JSON unless said. A text type (`text/csv`, `text/html`) is a
   * string body, sent as itself.
   */
  mediaTypes?: readonly string[];
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  caller: Caller;
  deps: ApiDependencies;
  request: ApiEvent;
  /**
   * The writes that store this reply as the answer to the request's Idempotency-Key (none when
   * it has none): an idempotent route puts them in the transaction of its effect, so a failure
   * after the commit still leaves the answer a retry replays.
   */
  answerWrites(reply: Reply): TransactItem[];
}

/**
 * One HTTP route, described once: who may call it, the zod schemas of its inputs and answer,
 * and its handler. The router validates inputs with these schemas before the handler runs, and
 * the OpenAPI document is generated from the same schemas, so the documentation cannot drift.
 */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  summary: string;
  description?: string;
  tag: string;
  /** `public` skips sign-in; only the API description is public. */
  roles: readonly Role[] | 'public';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** A retried POST with the same Idempotency-Key answers as the first one did. */
  idempotent?: boolean;
  /** The version being edited may come in an If-Match header instead of the body. */
  ifMatch?: boolean;
  response: RouteAnswer & {
    /** Another success the route gives for some requests (202 when the work became a job). */
    alternative?: RouteAnswer;
  };
  /**
   * A route a person's browser lands on (an OAuth callback) answers every refusal, bad input
   * included, as a page with this title rather than as JSON.
   */
  refusalPage?: string;
  /** The 4xx answers worth documenting beyond 400/401/403 (a 409 is documented by its causes). */
  errors?: readonly (404 | 422)[];
  /**
   * Why this route answers 409, one line per cause (a stale version, a state that does not allow
   * it, a duplicate, a race lost to another request): each documents the 409 by itself. An
   * idempotent route's request still running under the same Idempotency-Key is added by the
   * document, not listed here.
   */
  conflicts?: readonly string[];
  /**
   * Why this route answers 422, one line per cause (documents a 422 by itself). An idempotent
   * route's reused Idempotency-Key is added by the document, not listed here.
   */
  unprocessable?: readonly string[];
  /**
   * The route calls a social network while it answers (connecting an account): the network's
   * rate limit comes back as our 429 with `Retry-After`, and its silence as our 502.
   */
  callsNetwork?: boolean;
  handle(input: RouteInput<P, Q, B>): Promise<Reply>;
}

export const defineRoute = <P = undefined, Q = undefined, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec => spec as unknown as RouteSpec;
