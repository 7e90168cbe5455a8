import type { NetworkAdapter, NetworkName } from '#shared/networks/network';

export type RetryAfterUnknownOutcome = NetworkAdapter['retryAfterUnknownOutcome'];

/**
 * Whether a publish whose outcome is unknown may be sent again, per network, without building
 * its adapter (the dispatcher decides this for claims whose worker died, with no network
 * settings at hand). Each adapter declares its own from this table, so the two cannot differ.
 */
export const RETRY_AFTER_UNKNOWN_OUTCOME: Record<NetworkName, RetryAfterUnknownOutcome> = {
  // A repeat is answered with the existing post, but only for a while after the first.
  linkedin: 'duplicate-detected',
  // No idempotency key: a repeat can post twice.
  x: 'unsafe',
  bluesky: 'idempotent',
  mastodon: 'idempotent',
  sandbox: 'idempotent',
};
