import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, type ApiResponse, json } from '#functions/api/http';
import { MethodNotAllowedError } from '#functions/api/unknown-route';
import {
  ComplianceBlockedError,
  ConflictError,
  ForbiddenError,
  NotAuthenticatedError,
  NotFoundError,
  UnprocessableError,
  ValidationError,
} from '#shared/errors';
import { logger } from '#shared/logger';
import { isNetworkError } from '#shared/networks/errors';
import { isThrottled } from '#shared/store/throttled';

/** How long a client waits before retrying a request the table was too busy for. */
export const BUSY_RETRY_AFTER_SECONDS = 1;

/** One place that turns errors into answers: bad input is always a 4xx with a JSON body. */
export const toResponse = (error: unknown): ApiResponse => {
  if (error instanceof ValidationError) {
    return json(400, {
      error: { code: 'invalid_request', message: error.message, fields: error.fields },
    });
  }
  if (error instanceof NotAuthenticatedError) {
    return json(401, { error: { code: 'not_authenticated', message: error.message } });
  }
  if (error instanceof ForbiddenError) {
    return json(403, { error: { code: 'forbidden', message: error.message } });
  }
  if (error instanceof NotFoundError) {
    return json(404, { error: { code: 'not_found', message: error.message } });
  }
  if (error instanceof MethodNotAllowedError) {
    const response = json(405, { error: { code: 'method_not_allowed', message: error.message } });
    return { ...response, headers: { ...response.headers, allow: error.allow.join(', ') } };
  }
  if (error instanceof ConflictError) {
    return json(409, { error: { code: 'conflict', message: error.message } });
  }
  if (error instanceof ComplianceBlockedError) {
    return json(422, {
      error: {
        code: 'compliance_blocked',
        message: error.message,
        findings: error.findings,
        ...(error.text === undefined ? {} : { text: error.text }),
      },
    });
  }
  if (error instanceof UnprocessableError) {
    return json(422, { error: { code: error.code, message: error.message } });
  }
  if (isNetworkError(error)) {
    // A social network's answer while connecting: its refusal is the employee's to fix (422),
    // its rate limit says when to come back, and its silence is nobody's bad input (502).
    if (error.kind === 'rate_limited') {
      const response = json(429, {
        error: { code: 'network_rate_limited', message: error.message },
      });
      return {
        ...response,
        headers: {
          ...response.headers,
          'retry-after': String(error.details.retryAfterSeconds ?? 60),
        },
      };
    }
    if (error.kind === 'outcome_unknown') {
      return json(502, { error: { code: 'network_unavailable', message: error.message } });
    }
    return json(422, { error: { code: 'network_refused', message: error.message } });
  }
  if (isThrottled(error)) {
    // Nobody's bad input and no bug: the table is over its throughput, after the SDK's own
    // retries. The write it met was not made (a transaction is all or nothing), and the same
    // request sent again shortly is what the client should do.
    logger.warn('The table throttled a request', { error: error as Error });
    const response = json(503, {
      error: { code: 'busy', message: 'Chorus is busy right now; retry in a moment' },
    });
    return {
      ...response,
      headers: { ...response.headers, 'retry-after': String(BUSY_RETRY_AFTER_SECONDS) },
    };
  }
  logger.error('Unhandled error', { error: error as Error });
  return json(500, { error: { code: 'internal', message: 'Something went wrong on our side' } });
};

export const httpErrors = (): MiddlewareObj<ApiEvent, ApiResponse> => ({
  onError: async (request) => {
    request.response = toResponse(request.error);
  },
});
