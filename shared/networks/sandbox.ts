import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import { unitHash } from '#shared/hash';
import { NetworkError } from '#shared/networks/errors';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { EngagementCounts, MetricsReading, NetworkAdapter } from '#shared/networks/network';
import { RETRY_AFTER_UNKNOWN_OUTCOME } from '#shared/networks/resend';
import { batchGetItems } from '#shared/store/batch';
import { keys } from '#shared/store/keys';

/**
 * The sandbox network: a real adapter behind the same interface as LinkedIn or X, that keeps its
 * posts in the Chorus table and answers engagement from a deterministic model, so the whole flow
 * runs (and demos) without touching anyone's real account. Everything it produces says "sandbox".
 */
const HOUR = 3_600_000;

/** A sandbox account's audience follows from its handle: 50 to 2,000 followers. */
export const sandboxAudienceOf = (handle: string): number =>
  50 + Math.floor(unitHash(handle) * 1950);

/**
 * Engagement grows towards a ceiling with a six-hour time constant: about 30% of the audience
 * sees the post, 4% of viewers react, 0.5% comment, 0.3% reshare (scaled ±25% per post).
 */
export const sandboxEngagement = (
  externalId: string,
  audienceSize: number,
  ageMs: number,
): EngagementCounts => {
  const growth = 1 - Math.exp(-Math.max(0, ageMs) / (6 * HOUR));
  const temper = 0.75 + unitHash(externalId) * 0.5;
  const impressions = Math.round(audienceSize * 0.3 * temper * growth);
  return {
    impressions,
    reactions: Math.round(impressions * 0.04),
    comments: Math.round(impressions * 0.005),
    reshares: Math.round(impressions * 0.003),
  };
};

export interface SandboxPost {
  externalId: string;
  handle: string;
  audienceSize: number;
  text: string;
  publishedAt: string;
  idempotencyKey: string;
}

/** Ways a test makes the sandbox answer as a real network does on a bad day. */
export type SandboxFault = 'rate_limited' | 'server_error' | 'auth_expired' | 'timeout_after_post';

export interface SandboxOptions {
  /** Asked before every publish; a fault makes this call fail that way. */
  fault?: (input: { idempotencyKey: string; handle: string }) => SandboxFault | undefined;
  /** Asked before every engagement read; a fault makes this read fail that way. */
  readFault?: () => 'rate_limited' | 'server_error' | undefined;
}

/** The post the sandbox holds under an idempotency key, if any; for tests and reconciliation. */
export const findSandboxPost = async (
  tableName: string,
  idempotencyKey: string,
): Promise<SandboxPost | undefined> => {
  const { Item: key } = await dynamo().send(
    new GetCommand({
      TableName: tableName,
      Key: keys.sandboxKey(idempotencyKey),
      ConsistentRead: true,
    }),
  );
  if (!key) return undefined;
  const { Item } = await dynamo().send(
    new GetCommand({
      TableName: tableName,
      Key: keys.sandboxPost(String(key.externalId)),
      ConsistentRead: true,
    }),
  );
  return Item as SandboxPost | undefined;
};

/** The sandbox's two items for a post: the post, and its idempotency key pointing at it. */
export const sandboxPostItems = (post: SandboxPost) => [
  { ...keys.sandboxKey(post.idempotencyKey), externalId: post.externalId },
  { ...keys.sandboxPost(post.externalId), ...post },
];

export const sandboxUrlOf = (post: Pick<SandboxPost, 'handle' | 'externalId'>) =>
  `sandbox://${post.handle}/${post.externalId}`;

export const createSandboxNetwork = (
  tableName: string,
  options: SandboxOptions = {},
): NetworkAdapter => ({
  name: 'sandbox',
  label: 'Sandbox (no real network)',
  limits: NETWORK_LIMITS.sandbox,
  connect: 'none',
  // Like Mastodon: a post's id is the network's own, and a repeated Idempotency-Key returns the
  // post it created first instead of a second one.
  retryAfterUnknownOutcome: RETRY_AFTER_UNKNOWN_OUTCOME.sandbox,
  metricsBatchSize: 100,

  async publish({ account, text, idempotencyKey, at }) {
    const fault = options.fault?.({ idempotencyKey, handle: account.handle });
    if (fault === 'rate_limited') {
      throw new NetworkError('rate_limited', 'sandbox: 429 Too Many Requests', {
        status: 429,
        retryAfterSeconds: 1,
      });
    }
    if (fault === 'server_error') {
      throw new NetworkError('outcome_unknown', 'sandbox: 503 Service Unavailable', {
        status: 503,
      });
    }
    if (fault === 'auth_expired') {
      throw new NetworkError('auth_expired', 'sandbox: 401 token expired', { status: 401 });
    }
    const post: SandboxPost = {
      externalId: `sbx_${randomUUID()}`,
      handle: account.handle,
      audienceSize: account.audienceSize,
      text,
      publishedAt: at.toISOString(),
      idempotencyKey,
    };
    try {
      await dynamo().send(
        new TransactWriteCommand({
          TransactItems: sandboxPostItems(post).map((Item, i) => ({
            Put: {
              TableName: tableName,
              Item,
              // The key is written once: a second post under it is the retry it guards against.
              ...(i === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : {}),
            },
          })),
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
      // Seen this key before: answer with the post it made, as Mastodon does.
      const existing = await findSandboxPost(tableName, idempotencyKey);
      if (!existing) throw error;
      return { externalId: existing.externalId, url: sandboxUrlOf(existing) };
    }
    if (fault === 'timeout_after_post') {
      throw new NetworkError('outcome_unknown', 'sandbox: timed out after the post was made');
    }
    return { externalId: post.externalId, url: sandboxUrlOf(post) };
  },

  async fetchMetrics(posts, at) {
    const fault = options.readFault?.();
    if (fault === 'rate_limited') {
      throw new NetworkError('rate_limited', 'sandbox: 429 Too Many Requests', {
        status: 429,
        retryAfterSeconds: 60,
      });
    }
    if (fault === 'server_error') {
      throw new NetworkError('outcome_unknown', 'sandbox: 503 Service Unavailable', {
        status: 503,
      });
    }
    const externalIds = posts.map((p) => p.externalId);
    const readings = new Map<string, MetricsReading>();
    const stored = await batchGetItems(
      tableName,
      externalIds.map((id) => keys.sandboxPost(id)),
    );
    for (const item of stored) {
      const post = item as unknown as SandboxPost;
      const age = at.getTime() - Date.parse(post.publishedAt);
      readings.set(post.externalId, {
        kind: 'counts',
        counts: sandboxEngagement(post.externalId, post.audienceSize, age),
      });
    }
    for (const id of externalIds) {
      if (!readings.has(id)) readings.set(id, { kind: 'deleted' });
    }
    return readings;
  },
});
