import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { MiddlewareStack } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { createShareWorker } from '#functions/share-worker/worker';
import { startQueueConsumer } from '#infra/local/queue-consumer';
import { dynamo } from '#shared/aws';
import { unitHash } from '#shared/hash';
import { shareIdFor } from '#shared/ids';
import type { NetworkAdapter } from '#shared/networks/network';
import { createSandboxNetwork, type SandboxFault } from '#shared/networks/sandbox';
import { sendShareJobs } from '#shared/queue/share-queue';
import { isTerminal, Share, type ShareJob } from '#shared/shares/share';
import { batchGetItems } from '#shared/store/batch';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { keys, withoutKeys } from '#shared/store/keys';
import { untilDrained } from '../fixtures/drain';
import { committedEvents } from '../fixtures/outbox-items';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { soakSize } from '../soak';
import { createTestQueues } from './queues';
import { TABLE } from './setup';

const JOBS = soakSize('FLEET_JOBS', 1_000, 10_000);
const FAULT_SHARE = 0.05;
/*
 * The drain waits as long as jobs keep finishing: it fails when none finished for a whole stall
 * window, or past a cap far above any healthy run (DynamoDB Local bounds the pace, about 25 jobs
 * a second on a quiet 2-core machine, much slower under load).
 */
const DRAIN_STALL_MS = Number(process.env.DRAIN_STALL_MS ?? 60_000);
const DRAIN_CAP_MS = Math.max(600_000, JOBS * 300);
/*
 * Three faults of the platform, besides the networks' own below: the worker dying right after
 * the network accepted a post (CRASH_SHARE of the shares, 1% by default), DynamoDB refusing one of
 * the worker's writes in THROTTLE_EVERY (40) as throttled, and a run of consecutive 429s a third
 * of the way in (FAULT_STORM=0 turns it off).
 */
const CRASH_SHARE = Number(process.env.CRASH_SHARE ?? 0.01);
const THROTTLE_EVERY = Number(process.env.THROTTLE_EVERY ?? 40);
const STORM = {
  after: Math.floor(JOBS / 3),
  attempts: process.env.FAULT_STORM === '0' ? 0 : Math.min(500, Math.floor(JOBS / 20)),
};

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
/** Shares no fault strikes: the redrive test's job, which must be published. */
const calm = new Set<string>();
const faultOf = (shareId: string): SandboxFault | undefined =>
  calm.has(shareId) ? undefined : FAULTS[Math.floor(unitHash(`fault:${shareId}`) / FAULT_SHARE)];
const crashes = (shareId: string) =>
  !calm.has(shareId) && !faultOf(shareId) && unitHash(`crash:${shareId}`) < CRASH_SHARE;

const struck = new Set<string>();
let attempts = 0;
const sandbox = createSandboxNetwork(TABLE, {
  fault: ({ idempotencyKey }) => {
    attempts += 1;
    if (attempts > STORM.after && attempts <= STORM.after + STORM.attempts) return 'rate_limited';
    const fault = faultOf(idempotencyKey);
    if (!fault) return undefined;
    if (fault === 'auth_expired') return fault;
    if (struck.has(idempotencyKey)) return undefined;
    struck.add(idempotencyKey);
    return fault;
  },
});

/**
 * The worker dying between the network accepting a post and the share being recorded: the post
 * is made, then nothing more of that invocation runs (its promise never settles), and the
 * invocation fails as a killed Lambda does, so SQS delivers its whole batch again.
 */
const invocation = new AsyncLocalStorage<{ crash: () => void }>();
const CRASH_MESSAGE = 'worker crashed after the network accepted a post';
const crashed = new Set<string>();
const crashingSandbox: NetworkAdapter = {
  ...sandbox,
  publish: async (request) => {
    const post = await sandbox.publish(request);
    if (crashes(request.idempotencyKey) && !crashed.has(request.idempotencyKey)) {
      crashed.add(request.idempotencyKey);
      invocation.getStore()?.crash();
      return new Promise<never>(() => {});
    }
    return post;
  },
};

/** DynamoDB refusing a fraction of the worker's writes as throttled (the network's own store is spared). */
let throttling = false;
let writes = 0;
let throttled = 0;
(dynamo().middlewareStack as MiddlewareStack<any, any>).add(
  (next: any, context: any) => async (args: any) => {
    if (
      throttling &&
      /^(Put|Update|Delete|TransactWrite|BatchWrite)/.test(context.commandName) &&
      !JSON.stringify(args.input).includes('SANDBOX#') &&
      ++writes % THROTTLE_EVERY === 0
    ) {
      throttled += 1;
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
        name: 'ProvisionedThroughputExceededException',
        $fault: 'client',
        $metadata: { httpStatusCode: 400, attempts: 3 },
      });
    }
    return next(args);
  },
  { step: 'initialize', name: 'throttleSomeWrites' },
);

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

const queueCounts = async (queueUrl: string) => {
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
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
};

/**
 * The worker behind the local SQS event source until the queue is empty and nothing runs, for as
 * long as shares keep ending (or only delayed messages wait for their time).
 */
const runWorkerUntilDrained = async (shareIds: readonly string[]) => {
  const worker = createShareWorker(stack.worker, stack.queue);
  const context = { getRemainingTimeInMillis: () => 30_000 } as Context;
  const consumer = startQueueConsumer({
    sqs: queue.client,
    queueUrl: queue.queueUrl,
    queueArn: queue.queueArn,
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    concurrency: 6,
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const crash = () => reject(new Error(CRASH_MESSAGE));
        invocation.run({ crash }, () => worker(event as never, context)).then(resolve, reject);
      }),
    // The crashes are injected and counted: only other failures are worth a line.
    log: (line) => {
      if (!line.includes(CRASH_MESSAGE)) console.error(line);
    },
  });
  try {
    await untilDrained({
      label: 'the share queue',
      stallMs: DRAIN_STALL_MS,
      capMs: DRAIN_CAP_MS,
      pollMs: 2000,
      progress: async () => {
        const counts = await queueCounts(queue.queueUrl);
        const busy = consumer.busy();
        const ended = (await readShares(shareIds)).filter((s) => isTerminal(s.status)).length;
        return {
          drained: counts.visible + counts.inFlight + counts.delayed === 0 && busy === 0,
          finished: ended,
          waitingOnTimers: counts.visible + counts.inFlight === 0 && busy === 0,
          summary: `${ended}/${shareIds.length} shares ended; queue ${counts.visible} visible, ${counts.inFlight} in flight, ${counts.delayed} delayed; ${busy} invocations running`,
        };
      },
    });
  } finally {
    await consumer.stop();
  }
};

describe(`fault injection: one campaign to ${JOBS.toLocaleString('en')} jobs on a bad day`, () => {
  beforeAll(async () => {
    queue = await createTestQueues('fleet', { visibilityTimeoutSeconds: 20 });
    stack = createShareStack({
      table: TABLE,
      queueUrl: queue.queueUrl,
      deadLetterUrl: queue.deadLetterUrl,
      networks: { sandbox: crashingSandbox },
      leaseMs: 5_000,
    });
    arranged = await arrangeCampaign(stack.stores, { count: JOBS });
  }, 300_000);

  afterAll(() => queue.client.destroy());

  it(
    'ends every job in exactly one terminal state, posts nothing twice, loses none, leaves none stuck',
    async () => {
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

      // Every job a second time, as SQS's at-least-once delivery allows, in another order.
      const jobs: ShareJob[] = people.map((p) => ({
        shareId: shareIdFor(campaign.campaignId, p.employeeId, 'sandbox'),
        campaignId: campaign.campaignId,
        postId: campaign.postId,
        employeeId: p.employeeId,
        network: 'sandbox',
      }));
      const shuffled = [...jobs].sort(
        (a, b) => unitHash(`order:${a.shareId}`) - unitHash(`order:${b.shareId}`),
      );
      await sendShareJobs(
        queue.queueUrl,
        shuffled.map((job) => ({ job })),
      );
      // And a poison message, which must end in the dead-letter queue with its reason.
      await queue.client.send(
        new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: '{"shareId": 42, "oops"' }),
      );

      throttling = true;
      try {
        await runWorkerUntilDrained(jobs.map((j) => j.shareId));
      } finally {
        throttling = false;
      }

      const stored = await readShares(jobs.map((j) => j.shareId));
      // No share lost, each exactly one record, each in a terminal state.
      const recorded = new Set(stored.map((s) => s.shareId));
      expect(jobs.filter((j) => !recorded.has(j.shareId)).map((j) => j.shareId)).toEqual([]);
      expect(stored).toHaveLength(JOBS);
      const expected = (shareId: string) =>
        faultOf(shareId) === 'auth_expired' ? 'failed' : 'published';
      const wrong = stored.filter((s) => s.status !== expected(s.shareId));
      expect(wrong.map((s) => `${s.shareId}: ${s.status} ${s.reason ?? ''}`)).toEqual([]);
      expect(
        stored.filter((s) => s.status === 'failed').every((s) => s.reason === 'reconnect_needed'),
      ).toBe(true);
      // Every fault was met.
      if (THROTTLE_EVERY < JOBS) expect(throttled).toBeGreaterThan(0);
      if (CRASH_SHARE > 0) expect(crashed.size).toBeGreaterThan(0);
      if (STORM.attempts > 0) expect(attempts).toBeGreaterThan(STORM.after + STORM.attempts);
      // The poison message alone is dead-lettered, with its reason.
      const parked = await queue.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.deadLetterUrl,
          MaxNumberOfMessages: 10,
          // Looked at, not taken: the redrive test below moves it.
          VisibilityTimeout: 0,
          MessageAttributeNames: ['All'],
        }),
      );
      expect(parked.Messages?.map((m) => m.Body)).toEqual(['{"shareId": 42, "oops"']);
      expect(parked.Messages?.[0]?.MessageAttributes?.reason?.StringValue).toMatch(/JSON|parse/i);

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
      // And each outcome was announced once: committed to the outbox with the share's write, so
      // the relay delivers it whatever happened to the worker after that commit.
      const announced = (await committedEvents(TABLE, 'share')).filter(
        (e) => e.detail.campaignId === campaign.campaignId,
      );
      const publishedIds = announced
        .filter((e) => e.detailType === 'SharePublished')
        .map((e) => e.detail.shareId);
      expect(publishedIds).toHaveLength(published.length);
      expect(new Set(publishedIds)).toEqual(new Set(published.map((s) => s.shareId)));
      expect(announced.filter((e) => e.detailType === 'ShareFailed')).toHaveLength(
        stored.length - published.length,
      );
    },
    DRAIN_CAP_MS + 180_000,
  );
  it(
    'redrives the dead-letter queue with `npm run dlq -- redrive`: a parked job is published, the poison comes back with its reason',
    async () => {
      // A job parked during an outage, as SQS does after too many receives.
      const late = await arrangeCampaign(stack.stores, { count: 1 });
      const person = late.people[0];
      if (!person) throw new Error('no person arranged');
      const job: ShareJob = {
        shareId: shareIdFor(late.campaign.campaignId, person.employeeId, 'sandbox'),
        campaignId: late.campaign.campaignId,
        postId: late.campaign.postId,
        employeeId: person.employeeId,
        network: 'sandbox',
      };
      calm.add(job.shareId);
      await queue.client.send(
        new SendMessageCommand({ QueueUrl: queue.deadLetterUrl, MessageBody: JSON.stringify(job) }),
      );
      const redrive = spawnSync(
        process.execPath,
        [
          '--import',
          'tsx',
          'infra/tools/dlq.ts',
          'redrive',
          '--queue',
          queue.queueUrl,
          '--dlq',
          queue.deadLetterUrl,
        ],
        { encoding: 'utf8', env: process.env },
      );
      expect(redrive.status, redrive.stderr).toBe(0);
      expect(redrive.stdout).toMatch(/2 job\(s\) moved back to the share queue/);

      await runWorkerUntilDrained([job.shareId]);
      const [share] = await readShares([job.shareId]);
      expect(share?.status).toBe('published');
      const parked = await queue.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.deadLetterUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
        }),
      );
      expect(parked.Messages?.map((m) => m.Body)).toEqual(['{"shareId": 42, "oops"']);
      expect(parked.Messages?.[0]?.MessageAttributes?.reason?.StringValue).toMatch(/JSON/);
    },
    DRAIN_CAP_MS + 60_000,
  );
});
