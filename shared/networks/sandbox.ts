import { setTimeout as sleep } from 'node:timers/promises';
import { BatchGetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { isConditionalCheckFailure } from '#shared/errors';
import { sha256 } from '#shared/hash';
import { NETWORK_LIMITS } from '#shared/networks/limits';
import type { EngagementCounts, MetricsReading, NetworkAdapter } from '#shared/networks/network';
import { keys } from '#shared/store/keys';

/**
 * The sandbox network: a real adapter behind the same interface as LinkedIn or X, that keeps its
 * posts in the Chorus table and answers engagement from a deterministic model, so the whole flow
 * runs (and demos) without touching anyone's real account. Everything it produces says "sandbox".
 */
const HOUR = 3_600_000;
const BATCH_GET_MAX_KEYS = 100;

/** 0..1, fixed for a given text: gives each post and account its own but repeatable character. */
const unitHash = (text: string): number =>
  Number.parseInt(sha256(text).slice(0, 8), 16) / 0xffffffff;

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

interface SandboxPost {
  externalId: string;
  handle: string;
  audienceSize: number;
  text: string;
  publishedAt: string;
}

export const createSandboxNetwork = (tableName: string): NetworkAdapter => ({
  name: 'sandbox',
  label: 'Sandbox (no real network)',
  limits: NETWORK_LIMITS.sandbox,
  // The idempotency key is the post's identity, as with Bluesky's chosen record keys.
  publishIsIdempotent: true,
  metricsBatchSize: 100,

  async publish({ account, text, idempotencyKey, at }) {
    const externalId = `sbx_${idempotencyKey}`;
    const post: SandboxPost = {
      externalId,
      handle: account.handle,
      audienceSize: account.audienceSize,
      text,
      publishedAt: at.toISOString(),
    };
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.sandboxPost(externalId), ...post },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      // Already posted under this key: answer with the existing post, as an idempotent API does.
      if (!isConditionalCheckFailure(error)) throw error;
    }
    return { externalId, url: `sandbox://${account.handle}/${externalId}` };
  },

  async fetchMetrics(externalIds, at) {
    const readings = new Map<string, MetricsReading>();
    for (let start = 0; start < externalIds.length; start += BATCH_GET_MAX_KEYS) {
      let attempt = 0;
      let requestKeys: Record<string, unknown>[] = externalIds
        .slice(start, start + BATCH_GET_MAX_KEYS)
        .map((id) => keys.sandboxPost(id));
      while (requestKeys.length > 0) {
        const result = await dynamo().send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requestKeys } } }),
        );
        for (const item of result.Responses?.[tableName] ?? []) {
          const post = item as SandboxPost;
          const age = at.getTime() - Date.parse(post.publishedAt);
          readings.set(post.externalId, {
            kind: 'counts',
            counts: sandboxEngagement(post.externalId, post.audienceSize, age),
          });
        }
        requestKeys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
        // Unprocessed keys mean the table is throttling: back off before asking again.
        if (requestKeys.length > 0) await sleep(Math.min(1000, 25 * 2 ** attempt++));
      }
    }
    for (const id of externalIds) {
      if (!readings.has(id)) readings.set(id, { kind: 'deleted' });
    }
    return readings;
  },
});
