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
  /** True when a retried publish with the same key cannot create a second post. */
  readonly publishIsIdempotent: boolean;
  readonly metricsBatchSize: number;
  publish(input: {
    account: ConnectedAccount;
    text: string;
    idempotencyKey: string;
    at: Date;
  }): Promise<{
    externalId: string;
    url: string;
  }>;
  fetchMetrics(externalIds: readonly string[], at: Date): Promise<Map<string, MetricsReading>>;
}
