import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { relayOutbox } from '#functions/outbox-relay/relay';
import { publishShare } from '#functions/share-worker/publish-share';
import { openTableStream, type TableStreamReader } from '#infra/local/table-stream';
import { dynamo } from '#shared/aws';
import { shareIdFor } from '#shared/ids';
import { createSandboxNetwork, type SandboxFault } from '#shared/networks/sandbox';
import type { ShareJob } from '#shared/shares/share';
import { apiEvent, callApi } from '../fixtures/api-events';
import { publishSandboxShares } from '../fixtures/engagement';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign, optedIn } from '../fixtures/sharing';
import { TABLE } from './setup';

/**
 * The events the stages committed, put on a bus by the outbox relay itself, fed from the table's
 * own stream as the event source mapping feeds it in AWS. Each call relays what was committed
 * since the last one and returns the entries that reached the bus.
 */
let reader: TableStreamReader | undefined;
const relayToBus = async (): Promise<PutEventsRequestEntry[]> => {
  reader ??= await openTableStream({
    dynamo: new DynamoDBClient({}),
    endpoint: String(process.env.AWS_ENDPOINT_URL_DYNAMODB),
    tableName: TABLE,
  });
  const bus: PutEventsRequestEntry[] = [];
  const put = async (entries: readonly PutEventsRequestEntry[]) => {
    bus.push(...entries);
    return entries.map((_, i) => ({ EventId: `e-${bus.length + i}` }));
  };
  for (;;) {
    const batches = await reader.read(1000);
    if (batches.length === 0) return bus;
    for (const batch of batches) {
      const answer = await relayOutbox(batch.records as DynamoDBRecord[], { busName: 'bus', put });
      expect(answer.batchItemFailures).toEqual([]);
      await reader.checkpoint(batch, 'all');
    }
  }
};
afterAll(() => reader?.close());

const detailOf = (entry: PutEventsRequestEntry) =>
  JSON.parse(String(entry.Detail)) as Record<string, unknown> & {
    id: string;
    aggregate: string;
    sequence: number;
  };
const about = (entries: readonly PutEventsRequestEntry[], key: string, value: string) =>
  entries.filter((e) => detailOf(e)[key] === value);

/**
 * The process dies right after DynamoDB committed a write that matches: the commit stands, its
 * answer never arrives, and nothing after it in that invocation runs.
 */
let dieAfter: ((command: string, input: string) => boolean) | undefined;
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    const input = JSON.stringify(args.input);
    if (dieAfter?.(context.commandName ?? '', input)) {
      dieAfter = undefined;
      throw new Error('the process died after the commit');
    }
    return result;
  },
  { step: 'deserialize', name: 'dieAfterCommit' },
);
const isWrite = (command: string) => /^(Put|Update|TransactWrite)/.test(command);

let fault: SandboxFault | undefined;
const sandbox = createSandboxNetwork(TABLE, { fault: () => fault });
const stack = createShareStack({
  table: TABLE,
  queueUrl: 'unused',
  deadLetterUrl: 'unused',
  networks: { sandbox },
  leaseMs: 60_000,
});
const jobOf = ({ campaign }: Arranged, employeeId: string): ShareJob => ({
  shareId: shareIdFor(campaign.campaignId, employeeId, 'sandbox'),
  campaignId: campaign.campaignId,
  postId: campaign.postId,
  employeeId,
  network: 'sandbox',
});
const onePerson = async () => {
  const arranged = await arrangeCampaign(stack.stores, { count: 1 });
  const person = arranged.people[0];
  if (!person) throw new Error('nobody arranged');
  return { arranged, person, job: jobOf(arranged, person.employeeId) };
};

beforeEach(async () => {
  fault = undefined;
  dieAfter = undefined;
  await relayToBus();
});

describe('share worker: the outcome and its event are one commit', () => {
  it('a worker that dies right after recording the share published still gets SharePublished to the bus, once', async () => {
    const { job } = await onePerson();
    // The write that records the share as published (`:published` is its new status).
    dieAfter = (command, input) =>
      isWrite(command) && input.includes(job.shareId) && input.includes(':published');
    await expect(publishShare(job, stack.worker)).rejects.toThrow(/died after the commit/);
    expect(dieAfter).toBeUndefined();
    // SQS hands the job out again: the share is found published, nothing is posted again.
    const again = await publishShare(job, stack.worker);
    expect(again.kind === 'done' && again.share.status).toBe('published');

    const bus = await relayToBus();
    const announced = about(bus, 'shareId', job.shareId);
    expect(announced.map((e) => e.DetailType)).toEqual(['SharePublished']);
    expect(detailOf(announced[0] as PutEventsRequestEntry)).toMatchObject({
      shareId: job.shareId,
      employeeId: job.employeeId,
      aggregate: `share#${job.shareId}`,
    });
  });

  it('a share skipped before any claim announces ShareSkipped with its write, even if the worker dies then', async () => {
    const arranged = await arrangeCampaign(stack.stores, {
      count: 1,
      person: (_, e) => ({ ...e, consent: optedIn({ paused: true }) }),
    });
    const job = jobOf(arranged, arranged.people[0]?.employeeId ?? '');
    dieAfter = (command, input) => isWrite(command) && input.includes(job.shareId);
    await expect(publishShare(job, stack.worker)).rejects.toThrow(/died after the commit/);
    await publishShare(job, stack.worker);

    const announced = about(await relayToBus(), 'shareId', job.shareId);
    expect(announced.map((e) => e.DetailType)).toEqual(['ShareSkipped']);
  });

  it('an expired token: ConnectionExpired and ShareFailed each reach the bus once, though the worker died after the connection was marked', async () => {
    const { job } = await onePerson();
    fault = 'auth_expired';
    dieAfter = (command, input) =>
      isWrite(command) && input.includes('CONNECTION#sandbox') && input.includes(':status');
    await expect(publishShare(job, stack.worker)).rejects.toThrow(/died after the commit/);
    // The claim's lease keeps the next delivery off until it ends: end it, as time would.
    const claimed = await stack.worker.shares.get(job.shareId);
    expect(claimed?.status).toBe('publishing');
    const resumed = await publishShare(job, {
      ...stack.worker,
      now: () => new Date(Date.now() + 120_000),
    });
    expect(resumed.kind === 'done' && resumed.share.reason).toBe('reconnect_needed');

    const bus = await relayToBus();
    expect(about(bus, 'employeeId', job.employeeId).map((e) => e.DetailType)).toEqual([
      'ConnectionExpired',
    ]);
    expect(about(bus, 'shareId', job.shareId).map((e) => e.DetailType)).toEqual(['ShareFailed']);
  });
});

describe('API share paths: the outcome and its event are one commit', () => {
  const deps = createApiDependencies({ TABLE_NAME: TABLE });
  const call = (
    who: { sub: string; email: string; groups: string[] },
    routeKey: string,
    body?: unknown,
    pathParameters?: Record<string, string>,
  ) =>
    callApi(
      apiEvent(routeKey, who, {
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(pathParameters ? { pathParameters } : {}),
      }),
      deps,
    ).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body ?? '{}') }));

  it('a Facebook confirmation whose reply was lost after the commit still announces SharePublished, once', async () => {
    const arranged = await arrangeCampaign(stack.stores, { count: 1 });
    const person = arranged.people[0];
    if (!person) throw new Error('nobody arranged');
    const who = {
      sub: `sub-${person.employeeId}`,
      email: person.email,
      groups: ['employee'],
    };
    const body = { campaignId: arranged.campaign.campaignId, network: 'facebook', confirmed: true };
    const shareId = shareIdFor(arranged.campaign.campaignId, person.employeeId, 'facebook');
    dieAfter = (command, input) => command.startsWith('TransactWrite') && input.includes(shareId);
    const first = await call(who, 'POST /me/shares', body);
    expect(first.status).toBe(500);
    const retry = await call(who, 'POST /me/shares', body);
    expect([200, 201]).toContain(retry.status);
    expect(retry.body.share.status).toBe('published');

    const announced = about(await relayToBus(), 'shareId', shareId);
    expect(announced.map((e) => e.DetailType)).toEqual(['SharePublished']);
    // Its points too: given with the share, so the lost reply cannot lose them either.
    const ledger = (await deps.recognition.ledger(person.employeeId, { limit: 50 })).items;
    expect(ledger.filter((e) => JSON.stringify(e).includes(shareId))).toHaveLength(1);
  });

  it('numbers a share’s events by the share: its end, then a person’s resolution, in increasing sequence', async () => {
    const { job } = await onePerson();
    fault = 'auth_expired';
    const ended = await publishShare(job, stack.worker);
    expect(ended.kind === 'done' && ended.share.status).toBe('failed');
    fault = undefined;
    const admin = { sub: 'user-admin', email: 'admin@acme.example', groups: ['admin'] };
    dieAfter = (command, input) =>
      command.startsWith('TransactWrite') && input.includes(job.shareId);
    const resolving = await call(
      admin,
      'POST /shares/{shareId}/resolve',
      { outcome: 'published', postUrl: 'https://sandbox.example/p/1' },
      { shareId: job.shareId },
    );
    expect(resolving.status).toBe(500);
    const again = await call(
      admin,
      'POST /shares/{shareId}/resolve',
      { outcome: 'published', postUrl: 'https://sandbox.example/p/1' },
      { shareId: job.shareId },
    );
    expect(again.status).toBe(409);

    const announced = about(await relayToBus(), 'shareId', job.shareId).map(detailOf);
    expect(announced.map((d) => d.aggregate)).toEqual([
      `share#${job.shareId}`,
      `share#${job.shareId}`,
    ]);
    const [end, resolution] = announced;
    expect(end?.sequence).toBeLessThan(resolution?.sequence ?? 0);
    expect(new Set(announced.map((d) => d.id)).size).toBe(2);
  });
});

describe('engagement poller: the run and its EngagementUpdated are one commit', () => {
  it('announces a run that died after its record, once, numbered per network', async () => {
    const { arranged } = await onePerson();
    const publishedAt = new Date(Date.now() - 3 * 3_600_000);
    await publishSandboxShares(TABLE, arranged, publishedAt);
    const poller = createPollerDependencies(TABLE, { sandbox });
    dieAfter = (command, input) => isWrite(command) && input.includes('EngagementUpdated');
    await expect(pollEngagement(new Date(), poller)).rejects.toThrow(/died after the commit/);
    const bus = await relayToBus();
    const updates = bus.filter((e) => e.DetailType === 'EngagementUpdated').map(detailOf);
    expect(updates).toEqual([
      expect.objectContaining({ network: 'sandbox', aggregate: 'engagement#sandbox' }),
    ]);
    expect(updates[0]?.sharesPolled).toBeGreaterThanOrEqual(1);
  });
});
