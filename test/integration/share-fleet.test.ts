import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { createShareWorker } from '#functions/share-worker/worker';
import { startQueueConsumer } from '#infra/local/queue-consumer';
import { dynamo } from '#shared/aws';
import type { PendingEvent } from '#shared/events/publisher';
import { unitHash } from '#shared/hash';
import { shareIdFor } from '#shared/ids';
import { createSandboxNetwork, type SandboxFault } from '#shared/networks/sandbox';
import { sendShareJobs } from '#shared/queue/share-queue';
import { Share, type ShareJob } from '#shared/shares/share';
import { batchGetItems } from '#shared/store/batch';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { keys, withoutKeys } from '#shared/store/keys';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { createTestQueues } from './queues';
import { TABLE } from './setup';

const JOBS = Number(process.env.FLEET_JOBS ?? 10_000);
const FAULT_SHARE = 0.05;

/**
 * 5% of shares meet each fault: a 429, a 5xx, an expired token, and a timeout after the post was
 * made. All but the expired token strike only the first attempt, as on a real bad day; the
 * expired token stays expired until the employee reconnects.
 */
const FAULTS: readonly SandboxFault[] = [
  'rate_limited',
  'server_error',
  'auth_expired',
  'timeout_after_post',
];
const faultOf = (shareId: string): SandboxFault | undefined =>
  FAULTS[Math.floor(unitHash(`fault:${shareId}`) / FAULT_SHARE)];

const events: PendingEvent[] = [];
const publish = async (published: readonly PendingEvent[]) => {
  events.push(...published);
};

const struck = new Set<string>();
const sandbox = createSandboxNetwork(TABLE, {
  fault: ({ idempotencyKey }) => {
    const fault = faultOf(idempotencyKey);
    if (!fault) return undefined;
    if (fault === 'auth_expired') return fault;
    if (struck.has(idempotencyKey)) return undefined;
    struck.add(idempotencyKey);
    return fault;
  },
});

let queue: Awaited<ReturnType<typeof createTestQueues>>;
let stack: ReturnType<typeof createShareStack>;
let arranged: Arranged;

const readShares = async (shareIds: readonly string[]): Promise<Share[]> =>
  (
    await batchGetItems(
      TABLE,
      shareIds.map((id) => keys.share(id)),
    )
  ).map((item) => Share.parse(withoutKeys(item)));

const queueDepth = async (queueUrl: string) => {
  const { Attributes = {} } = await queue.client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed)
  );
};

describe(`one campaign to ${JOBS.toLocaleString('en')} jobs, each delivered twice, on a bad day`, () => {
  beforeAll(async () => {
    queue = await createTestQueues('fleet', { visibilityTimeoutSeconds: 20 });
    stack = createShareStack({
      table: TABLE,
      queueUrl: queue.queueUrl,
      deadLetterUrl: queue.deadLetterUrl,
      publish,
      networks: { sandbox },
      leaseMs: 5_000,
    });
    arranged = await arrangeCampaign(stack.stores, { count: JOBS });
  }, 300_000);

  afterAll(() => queue.client.destroy());

  it('ends every job in exactly one terminal state, posts nothing twice and loses nothing', async () => {
    const fanOutDeps = stack.fanOut;
    const { campaign, people } = arranged;
    await startFanOut(
      {
        campaignId: campaign.campaignId,
        postId: campaign.postId,
        scheduledAt: campaign.scheduledAt,
      },
      fanOutDeps,
    );
    await Promise.all(
      Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
        fanOutSlice({ campaignId: campaign.campaignId, shard }, fanOutDeps, () => 300_000),
      ),
    );
    const slices = await stack.fanOut.campaigns.slices(campaign.campaignId);
    expect(slices.reduce((n, s) => n + s.queued, 0)).toBe(JOBS);

    // Every job a second time, as SQS's at-least-once delivery allows.
    const jobs: ShareJob[] = people.map((p) => ({
      shareId: shareIdFor(campaign.campaignId, p.employeeId, 'sandbox'),
      campaignId: campaign.campaignId,
      postId: campaign.postId,
      employeeId: p.employeeId,
      network: 'sandbox',
    }));
    await sendShareJobs(
      queue.queueUrl,
      jobs.map((job) => ({ job })),
    );

    const worker = createShareWorker(stack.worker, stack.queue);
    const context = { getRemainingTimeInMillis: () => 30_000 } as Context;
    const consumer = startQueueConsumer({
      sqs: queue.client,
      queueUrl: queue.queueUrl,
      queueArn: queue.queueArn,
      batchSize: 10,
      maxBatchingWindowSeconds: 1,
      concurrency: 6,
      invoke: (event) => worker(event as never, context),
      log: (line) => console.error(line),
    });
    try {
      const deadline = Date.now() + 420_000;
      while ((await queueDepth(queue.queueUrl)) > 0 || consumer.busy() > 0) {
        if (Date.now() > deadline) throw new Error('the queue did not drain in 7 minutes');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } finally {
      await consumer.stop();
    }

    const stored = await readShares(jobs.map((j) => j.shareId));
    // No share lost, each exactly one record, each in a terminal state.
    expect(stored).toHaveLength(JOBS);
    const expected = (shareId: string) =>
      faultOf(shareId) === 'auth_expired' ? 'failed' : 'published';
    const wrong = stored.filter((s) => s.status !== expected(s.shareId));
    expect(wrong.map((s) => `${s.shareId}: ${s.status} ${s.reason ?? ''}`)).toEqual([]);
    expect(
      stored.filter((s) => s.status === 'failed').every((s) => s.reason === 'reconnect_needed'),
    ).toBe(true);
    expect(await queueDepth(queue.deadLetterUrl)).toBe(0);

    // The sandbox holds one post per published share, and no post twice for any share.
    const handles = new Set(people.map((p) => p.connections.sandbox?.handle));
    const postsByKey = new Map<string, number>();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await dynamo().send(
        new ScanCommand({
          TableName: TABLE,
          FilterExpression: 'begins_with(pk, :sandbox)',
          ExpressionAttributeValues: { ':sandbox': 'SANDBOX#' },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (!handles.has(String(item.handle))) continue;
        const key = String(item.idempotencyKey);
        postsByKey.set(key, (postsByKey.get(key) ?? 0) + 1);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const published = stored.filter((s) => s.status === 'published');
    expect(postsByKey.size).toBe(published.length);
    expect([...postsByKey.values()].every((n) => n === 1)).toBe(true);
    expect(published.every((s) => postsByKey.has(s.shareId))).toBe(true);
    // And each outcome was announced once.
    const announced = events.filter(
      (e) =>
        e.detailType === 'SharePublished' &&
        'campaignId' in e.detail &&
        e.detail.campaignId === campaign.campaignId,
    );
    expect(announced).toHaveLength(published.length);
  }, 600_000);
});
