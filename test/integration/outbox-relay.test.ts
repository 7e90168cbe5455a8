import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { relayOutbox } from '#functions/outbox-relay/relay';
import { functions } from '#infra/declaration';
import { type LocalStreamConsumer, startStreamConsumer } from '#infra/local/stream-consumer';
import { openTableStream } from '#infra/local/table-stream';
import { dynamo } from '#shared/aws';
import { defaultPolicy } from '#shared/compliance/policy';
import { EVENT_SOURCE, parseEvent } from '#shared/events/catalogue';
import { unitHash } from '#shared/hash';
import { keys } from '#shared/store/keys';
import { postStream } from '#shared/store/posts';
import { apiEvent, callApi } from '../fixtures/api-events';
import { untilDrained } from '../fixtures/drain';
import { type CommittedEvent, outboxFeed } from '../fixtures/outbox';
import { soakSize } from '../soak';
import { createTestQueues } from './queues';
import { TABLE } from './setup';

/**
 * The real outbox relay on the real local stream (DynamoDB Local's own, read as Lambda's event
 * source mapping reads it), with faults injected at its one seam to EventBridge (`put`) and
 * around its invocation; then every event handed to its consumers twice and out of order.
 */
const POSTS = soakSize('OUTBOX_POSTS', 24, 300);
const CAMPAIGNS = soakSize('OUTBOX_CAMPAIGNS', 4, 40);
/** A cap far above any healthy run: the wait fails sooner only when nothing is relayed for a minute. */
const DRAIN_MS = Number(process.env.DRAIN_MS ?? Math.max(600_000, POSTS * 5_000));
const relayTrigger = functions.outboxRelay.trigger;
if (relayTrigger.kind !== 'stream') throw new Error('the outbox relay is stream-triggered');

/** Nothing on these paths may put an event on the bus after its write: only the relay does. */
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  publish: async () => {
    throw new Error('published after the write, not through the outbox');
  },
};
const people = { mia: ['marketing'], max: ['marketing'], ada: ['admin'] } as const;
const call = (
  who: keyof typeof people,
  routeKey: string,
  options: { body?: unknown; path?: Record<string, string>; headers?: Record<string, string> } = {},
) => {
  const event = apiEvent(
    routeKey,
    { sub: `user-${who}`, email: `${who}@relay.acme.example`, groups: [...people[who]] },
    {
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.path ? { pathParameters: options.path } : {}),
    },
  );
  return callApi({ ...event, headers: { ...event.headers, ...options.headers } }, deps).then(
    (response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }),
  );
};

/**
 * The process dying after the commit and before anything else: DynamoDB committed the
 * transaction, and its reply never reaches the caller (a timeout, a dropped connection, a killed
 * function). Nothing is left to publish anything: the event must still arrive.
 */
let loseNextCommitReply = false;
let lostCommitReplies = 0;
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    if (loseNextCommitReply && context.commandName === 'TransactWriteItemsCommand') {
      loseNextCommitReply = false;
      lostCommitReplies += 1;
      throw new Error('function killed after the commit');
    }
    return result;
  },
  { step: 'deserialize', name: 'dieAfterCommit' },
);

/**
 * EventBridge on a bad day, call by call in a fixed cycle: a call that throws (throttled), a
 * call that answers FailedEntryCount > 0 with some entries refused and the rest delivered, and a
 * call that delivers everything, after which the relay's invocation dies before the event source
 * can checkpoint (so the batch is read again and its events are delivered twice).
 */
const PLAN = ['ok', 'throttled', 'partial', 'ok', 'crash_after_put', 'partial', 'ok'] as const;
const met = { throttled: 0, partial: 0, refused: 0, crash_after_put: 0 };
/** Every delivery the bus took, in order: an event's id appears once per delivery. */
const bus: { detailType: string; detail: Record<string, unknown> & { id: string } }[] = [];
let putCalls = 0;
let crashAfterThisInvocation = false;
const faultyPut = async (
  entries: readonly PutEventsRequestEntry[],
): Promise<PutEventsResultEntry[]> => {
  const fault = PLAN[putCalls++ % PLAN.length];
  if (fault === 'throttled') {
    met.throttled += 1;
    throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  }
  const deliver = (entry: PutEventsRequestEntry, i: number): PutEventsResultEntry => {
    bus.push({ detailType: String(entry.DetailType), detail: JSON.parse(String(entry.Detail)) });
    return { EventId: `evt-${putCalls}-${i}` };
  };
  if (fault === 'partial') {
    met.partial += 1;
    return entries.map((entry, i) => {
      // About a third refused, always at least one; the rest arrive.
      if (i === entries.length - 1 || unitHash(`refuse:${putCalls}:${i}`) < 0.3) {
        met.refused += 1;
        return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal failure' };
      }
      return deliver(entry, i);
    });
  }
  if (fault === 'crash_after_put') {
    met.crash_after_put += 1;
    crashAfterThisInvocation = true;
  }
  return entries.map(deliver);
};

/** The relay function's invocation, as the handler makes it, with the crash after PutEvents. */
const invokeRelay = async (event: unknown) => {
  const answer = await relayOutbox((event as { Records: DynamoDBRecord[] }).Records, {
    busName: 'chorus-test',
    put: faultyPut,
  });
  if (crashAfterThisInvocation) {
    crashAfterThisInvocation = false;
    throw new Error('relay crashed after PutEvents, before its checkpoint');
  }
  return answer;
};

/** A stream record no consumer could take: the relay must park it and move past it. */
const POISON = keys.outbox('post#poison', 0);

let queues: Awaited<ReturnType<typeof createTestQueues>>;
let relay: LocalStreamConsumer;
const feed = outboxFeed(TABLE);
const committed = new Map<string, CommittedEvent>();
const relayLog: string[] = [];

/** Until every event committed so far is on the bus and the relay has nothing in hand. */
const relayed = async () => {
  for (const e of await feed.take()) {
    if (e.detail.aggregate !== 'post#poison') committed.set(e.detail.id, e);
  }
  await untilDrained({
    label: 'the outbox relay',
    capMs: DRAIN_MS,
    pollMs: 200,
    progress: async () => {
      const delivered = new Set(bus.map((b) => b.detail.id));
      const missing = [...committed.keys()].filter((id) => !delivered.has(id));
      return {
        drained: missing.length === 0 && !relay.busy(),
        finished: committed.size - missing.length,
        summary: `${missing.length} of ${committed.size} not relayed (${missing.slice(0, 5).join(', ')}…), busy ${relay.busy()}, ${putCalls} puts, ${bus.length} delivered; ${relayLog.slice(-5).join(' | ')}`,
      };
    },
  });
};

const shuffled = <T>(items: readonly T[], seed: string) =>
  items
    .map((item, i) => ({ item, key: unitHash(`${seed}:${i}`) }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);

/** Hands events to a consumer a few at a time, concurrently, as Lambda's async invocations do. */
const deliverAll = async <T>(events: readonly T[], consume: (event: T) => Promise<void>) => {
  for (let start = 0; start < events.length; start += 8) {
    await Promise.all(events.slice(start, start + 8).map(consume));
  }
};

const complianceCheck = (event: (typeof bus)[number]) =>
  checkSubmittedPost(
    parseEvent('PostSubmitted', {
      source: EVENT_SOURCE,
      'detail-type': event.detailType,
      detail: event.detail,
    }),
    {
      posts: deps.posts,
      policy: async () => defaultPolicy,
      approvalPolicy: () => deps.approvalPolicies.current(),
      now: () => new Date(),
    },
  );

const auditActions = async (postId: string) => {
  const actions: string[] = [];
  for await (const page of deps.audit.entriesOf(postStream(postId))) {
    actions.push(...page.map((entry) => entry.action));
  }
  return actions;
};

const segment = `relay-${Math.random().toString(36).slice(2, 8)}`;
const postIds: string[] = [];

beforeAll(async () => {
  queues = await createTestQueues('outbox-relay');
  await call('ada', 'PUT /segments/{segmentId}', {
    path: { segmentId: segment },
    body: { name: 'Relay test', rule: { all: [{ attribute: 'groups', in: [segment] }] } },
  });
}, 60_000);

afterAll(async () => {
  await relay?.stop();
  feed.close();
  queues?.client.destroy();
});

describe(`outbox relay on a bad day: ${POSTS} posts, ${CAMPAIGNS} campaigns`, () => {
  it(
    'delivers every committed event at least once through PutEvents failures, partial failures, relay crashes and deaths after commit; parks a poison record and moves past it',
    async () => {
      // Posts created and submitted while no relay runs; every fourth submission's function dies
      // right after its commit (its caller sees a 500; the post is submitted all the same).
      for (let i = 0; i < POSTS; i++) {
        const created = await call('mia', 'POST /posts', {
          body: {
            title: `Post ${i}`,
            variants: [{ text: `News number ${i}.` }],
            segments: [segment],
          },
        });
        expect(created.status).toBe(201);
        const postId: string = created.body.post.postId;
        postIds.push(postId);
        const dies = i % 4 === 0;
        loseNextCommitReply = dies;
        const submitted = await call('mia', 'POST /posts/{postId}/submit', { path: { postId } });
        expect(submitted.status).toBe(dies ? 500 : 200);
        if (i === Math.floor(POSTS / 2)) {
          // A record in the middle of the stream that is no valid event (written by hand, as an
          // old or broken producer might have): retried, then parked with its reason.
          await dynamo().send(
            new PutCommand({
              TableName: TABLE,
              Item: {
                ...POISON,
                eventId: 'poison',
                detailType: 'NoSuchEvent',
                detail: JSON.stringify({ id: 'poison', aggregate: 'post#poison', sequence: 0 }),
              },
            }),
          );
        }
      }
      expect(lostCommitReplies).toBe(Math.ceil(POSTS / 4));

      // The relay starts late (the functions that committed are long gone) and meets every fault.
      relay = startStreamConsumer({
        reader: await openTableStream({
          dynamo: new DynamoDBClient({}),
          endpoint: String(process.env.AWS_ENDPOINT_URL_DYNAMODB),
          tableName: TABLE,
        }),
        batchSize: 10,
        retryAttempts: relayTrigger.retryAttempts,
        bisectOnError: relayTrigger.bisectOnError,
        invoke: invokeRelay,
        sqs: queues.client,
        onFailureQueueUrl: queues.deadLetterUrl,
        log: (line) => relayLog.push(line),
        pollMs: 50,
      });
      await relayed();

      const submittedIds = [...committed.values()].filter((e) => e.detailType === 'PostSubmitted');
      expect(submittedIds).toHaveLength(POSTS);
      expect(met.throttled).toBeGreaterThan(0);
      expect(met.refused).toBeGreaterThan(0);
      expect(met.crash_after_put).toBeGreaterThan(0);
      // Redelivered, not lost: some events arrived twice, none was sent again and again (a batch
      // re-sent whole on each of the poison's retries would show here as 10 or more).
      const deliveries = new Map<string, number>();
      for (const b of bus) deliveries.set(b.detail.id, (deliveries.get(b.detail.id) ?? 0) + 1);
      expect(Math.max(...deliveries.values())).toBeGreaterThan(1);
      expect(Math.max(...deliveries.values())).toBeLessThanOrEqual(4);
      expect([...deliveries.keys()].filter((id) => !committed.has(id))).toEqual([]);
      // The poison alone is parked, with its reason, and never reached the bus.
      const parked = await queues.client.send(
        new ReceiveMessageCommand({ QueueUrl: queues.deadLetterUrl, MaxNumberOfMessages: 10 }),
      );
      expect(parked.Messages).toHaveLength(1);
      const body = JSON.parse(String(parked.Messages?.[0]?.Body));
      expect(body.record.dynamodb.NewImage.pk.S).toBe(POISON.pk);
      expect(body.attempts).toBe(relayTrigger.retryAttempts + 1);
      expect(bus.some((b) => b.detail.aggregate === 'post#poison')).toBe(false);
    },
    DRAIN_MS + 120_000,
  );

  it(
    'applies each delivery once when the compliance check gets every PostSubmitted twice more and out of order: no post stays submitted',
    async () => {
      const submissions = bus.filter((b) => b.detailType === 'PostSubmitted');
      // What the bus delivered (duplicates included), twice over, shuffled.
      await deliverAll(shuffled([...submissions, ...submissions], 'order'), complianceCheck);
      for (const postId of postIds) {
        const post = await deps.posts.get(postId);
        expect(post.status, postId).not.toBe('submitted');
        const checks = (await auditActions(postId)).filter((a) => a === 'post.complianceChecked');
        expect(checks, postId).toHaveLength(1);
      }
      // The check's own transitions went through the outbox and the faulty relay too.
      await relayed();
      const checked = [...committed.values()].filter((e) => e.detailType === 'ComplianceChecked');
      expect(checked).toHaveLength(POSTS);
    },
    DRAIN_MS + 120_000,
  );

  it(
    'relays campaign events committed with their campaign, also when the reply was lost: the retry replays it, one campaign and one CampaignScheduled each',
    async () => {
      const approvable = [];
      for (const postId of postIds) {
        const post = await deps.posts.get(postId);
        if (post.status === 'in_review') approvable.push(post);
        if (approvable.length === CAMPAIGNS) break;
      }
      expect(approvable).toHaveLength(CAMPAIGNS);
      const campaignIds: string[] = [];
      for (const [i, post] of approvable.entries()) {
        const approved = await call('max', 'POST /posts/{postId}/approve', {
          path: { postId: post.postId },
          body: { version: post.version },
        });
        expect(approved.status).toBe(200);
        const request = {
          body: {
            postId: post.postId,
            scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
            networks: ['sandbox'],
          },
          headers: { 'idempotency-key': `relay-campaign-${post.postId}` },
        };
        const dies = i % 2 === 0;
        loseNextCommitReply = dies;
        const first = await call('mia', 'POST /campaigns', request);
        expect(first.status).toBe(dies ? 500 : 201);
        // The client retries with the same key; the answer stored with the campaign comes back.
        const answer = dies ? await call('mia', 'POST /campaigns', request) : first;
        expect(answer.status).toBe(201);
        campaignIds.push(answer.body.campaign.campaignId);
        expect(await deps.campaigns.ofPost(post.postId)).toHaveLength(1);
      }
      const cancelled = await call('mia', 'POST /campaigns/{campaignId}/cancel', {
        path: { campaignId: campaignIds[0] ?? '' },
      });
      expect(cancelled.status).toBe(200);

      await relayed();
      for (const campaignId of campaignIds) {
        const scheduled = [...committed.values()].filter(
          (e) => e.detailType === 'CampaignScheduled' && e.detail.campaignId === campaignId,
        );
        expect(scheduled, campaignId).toHaveLength(1);
      }
      const delivered = new Set(bus.map((b) => b.detail.id));
      expect([...committed.keys()].filter((id) => !delivered.has(id))).toEqual([]);
      expect(
        bus.some(
          (b) => b.detailType === 'CampaignCancelled' && b.detail.campaignId === campaignIds[0],
        ),
      ).toBe(true);
    },
    DRAIN_MS + 120_000,
  );
});
