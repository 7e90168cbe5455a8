import { cancellationCodes } from '#shared/errors';

/** What DynamoDB says when a table or account is over its throughput, by the SDK's error name. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
]);

/**
 * Whether DynamoDB refused because it is busy, after the SDK's own retries gave up: nothing in
 * the request was wrong and the refused write was not made, so the same request later may well
 * succeed. A cancelled transaction counts when one of its items was throttled.
 */
export const isThrottled = (error: unknown): boolean =>
  error instanceof Error &&
  (THROTTLING.has(error.name) ||
    (cancellationCodes(error) ?? []).some((code) => code === 'ThrottlingError'));
