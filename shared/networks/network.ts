import { z } from 'zod';

/** Networks an employee can connect today. Real networks join this list as their adapters land. */
export const NetworkName = z.enum(['sandbox']);
export type NetworkName = z.infer<typeof NetworkName>;

export interface TextLimits {
  maxLength: number;
  /** How a network counts text: UTF-16 units, code points or graphemes. */
  unit: 'codePoints' | 'graphemes';
  /** Some networks count every URL as a fixed number of characters, whatever its length. */
  urlWeight?: number;
}

export interface EngagementCounts {
  impressions: number | null;
  reactions: number;
  comments: number;
  reshares: number;
}

export type MetricsReading = { kind: 'counts'; counts: EngagementCounts } | { kind: 'deleted' };

export interface PublishedPost {
  externalId: string;
  url: string;
}

export interface ConnectedAccount {
  handle: string;
  audienceSize: number;
}

/**
 * What Chorus needs from a social network. One implementation per network; the sandbox is one of
 * them, not a mock, so the whole flow runs offline on the same code path.
 */
export interface NetworkAdapter {
  readonly name: NetworkName;
  readonly label: string;
  readonly limits: TextLimits;
  /**
   * Whether a publish whose outcome is unknown may be sent again: `idempotent` when the same key
   * cannot create a second post (Mastodon's Idempotency-Key, Bluesky's record key, the sandbox),
   * `duplicate-detected` when the network answers a repeat with the existing post (LinkedIn's
   * DUPLICATE_POST), `unsafe` when a repeat could post twice (X): then a person has to look.
   */
  readonly retryAfterUnknownOutcome: 'idempotent' | 'duplicate-detected' | 'unsafe';
  readonly metricsBatchSize: number;
  publish(input: {
    account: ConnectedAccount;
    text: string;
    idempotencyKey: string;
    at: Date;
  }): Promise<PublishedPost>;
  fetchMetrics(externalIds: readonly string[], at: Date): Promise<Map<string, MetricsReading>>;
}
