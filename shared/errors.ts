/**
 * Domain errors. Each names what went wrong in the caller's terms; the API maps each class to
 * one HTTP status, so no handler decides status codes by itself.
 */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly fields: readonly FieldIssue[] = [],
  ) {
    super(message);
  }
}

export class NotAuthenticatedError extends Error {
  override readonly name = 'NotAuthenticatedError';
}

export class ForbiddenError extends Error {
  override readonly name = 'ForbiddenError';
}

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} does not exist`);
  }
}

/** The request is well formed but the entity's state does not allow it (e.g. approving a draft). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Well formed, but cannot be processed as asked (an Idempotency-Key reused for another request). */
export class UnprocessableError extends Error {
  override readonly name = 'UnprocessableError';
  constructor(
    message: string,
    /** The answer's `error.code`, for a client to act on (e.g. `report_too_large`). */
    readonly code = 'unprocessable',
  ) {
    super(message);
  }
}

/** A text the compliance policy blocks: refused with every finding that explains why. */
export class ComplianceBlockedError extends Error {
  override readonly name = 'ComplianceBlockedError';
  constructor(
    message: string,
    readonly findings: readonly unknown[],
    /** The text the findings' spans point into, when the caller did not send it whole. */
    readonly text?: string,
  ) {
    super(message);
  }
}

export const isConditionalCheckFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' &&
      error.message.includes('ConditionalCheckFailed')));

/** Per item of a cancelled transaction, why it failed (`ConditionalCheckFailed`, `None`, ...). */
export const cancellationCodes = (error: unknown): (string | undefined)[] | undefined => {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return reasons?.map((r) => r.Code);
};
