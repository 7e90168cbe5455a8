/**
 * Bench section: one campaign fanned out to 100,000 (employee, network) jobs (1,000 quick) by the
 * real fan-out, then a sample of those jobs (2,000; 50 quick) through the real share worker, on
 * DynamoDB Local, fauxqs and the local event bus. An SDK middleware counts every AWS request each
 * service received and the DynamoDB capacity it consumed: the fan-out's per job of the whole
 * campaign, the worker's per share it published. The cost per million shares follows at
 * us-east-1 list prices. BENCH_JOBS and BENCH_WORKER_SAMPLE override the sizes.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { createShareWorker } from '#functions/share-worker/worker';
import { functions } from '#infra/declaration';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { startLocalEventBus } from '#infra/local/event-bus';
import { freePort } from '#infra/local/ports';
import { LOCAL_NAMES, provisionQueues, provisionTable } from '#infra/local/provision';
import { startQueueConsumer } from '#infra/local/queue-consumer';
import { shareIdFor } from '#shared/ids';
import { progress, quick, report } from './figures';

const JOBS = Number(process.env.BENCH_JOBS ?? (quick ? 1_000 : 100_000));
const SAMPLE = Math.min(JOBS, Number(process.env.BENCH_WORKER_SAMPLE ?? (quick ? 50 : 2_000)));
const COST_LIMIT_PER_MILLION = 50;

/** us-east-1 list prices (USD), November 2026; the README states them too. */
const PRICES = {
  dynamoWriteUnit: 0.625 / 1e6,
  dynamoReadUnit: 0.125 / 1e6,
  sqsRequest: 0.4 / 1e6,
  eventBridgeEvent: 1.0 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaGbSecond: 0.0000166667,
};

type Counts = Map<string, { requests: number; read: number; write: number; entries: number }>;
const phases: Record<string, Counts> = { fanOut: new Map(), worker: new Map() };
let phase: Counts | undefined;

/** Counts every request a client sends (retries included), and the capacity DynamoDB reports. */
const countRequests = (service: string, stack: MiddlewareStack<any, any>) => {
  stack.add(
    (next: any, context: any) => async (args: any) => {
      if (service === 'DynamoDB') args.input.ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      if (!phase) return result;
      const key = `${service} ${context.commandName.replace(/Command$/, '')}`;
      const row = phase.get(key) ?? { requests: 0, read: 0, write: 0, entries: 0 };
      row.requests += 1;
      row.entries += args.input.Entries?.length ?? 0;
      const consumed = [result.output?.ConsumedCapacity ?? []].flat();
      for (const c of consumed) {
        row.read += c?.ReadCapacityUnits ?? 0;
        row.write += c?.WriteCapacityUnits ?? 0;
        // Transactions and some reads report only a total.
        if (c && c.ReadCapacityUnits === undefined && c.WriteCapacityUnits === undefined) {
          if (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(key.split(' ')[1] ?? '')) {
            row.read += c.CapacityUnits ?? 0;
          } else row.write += c.CapacityUnits ?? 0;
        }
      }
      phase.set(key, row);
      return result;
    },
    { step: 'initialize', name: `chorusBench${service}`, override: true },
  );
};

const main = async () => {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const dynamoLocal = await startDynamoDbLocal({ port: await freePort() });
  const fauxqs = await startFauxqs({ port: 0, logger: false });
  const admin = {
    dynamo: new DynamoDBClient({
      endpoint: dynamoLocal.endpoint,
      region: 'us-east-1',
      credentials,
    }),
    sqs: new SQSClient({ endpoint: fauxqs.address, region: 'us-east-1', credentials }),
  };
  await provisionTable(admin.dynamo);
  const queues = await provisionQueues(admin.sqs);
  // No rules: the events go nowhere, but every PutEvents is a real request to count.
  const bus = await startLocalEventBus({
    port: await freePort(),
    busName: LOCAL_NAMES.bus,
    rules: [],
    retryAttempts: 0,
    sqs: admin.sqs,
    deadLetterQueueUrl: queues.eventDeadLetterQueueUrl,
    log: () => undefined,
  } as Parameters<typeof startLocalEventBus>[0]);
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoLocal.endpoint,
    AWS_ENDPOINT_URL_SQS: fauxqs.address,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });

  // Imported only now: the stores' clients read the endpoints above.
  const { dynamo, sqs, eventBridge } = await import('#shared/aws');
  const stores = await import('./share-bench-deps');
  countRequests('DynamoDB', dynamo().middlewareStack);
  countRequests('SQS', sqs().middlewareStack);
  countRequests('EventBridge', eventBridge().middlewareStack);
  const consumerSqs = new SQSClient({
    endpoint: fauxqs.address,
    region: 'us-east-1',
    credentials,
    useQueueUrlAsEndpoint: false,
  });
  countRequests('SQS (event source mapping)', consumerSqs.middlewareStack);

  progress(`fan-out: seeding ${JOBS.toLocaleString('en')} opted-in employees…`);
  const deps = stores.benchDependencies(LOCAL_NAMES.table, queues);
  const { campaign, people } = await stores.arrange(deps, JOBS);

  progress('fan-out: fanning the campaign out…');
  phase = phases.fanOut;
  const fanOutStarted = performance.now();
  await startFanOut(
    { campaignId: campaign.campaignId, postId: campaign.postId, scheduledAt: campaign.scheduledAt },
    deps.fanOut,
  );
  await Promise.all(
    Array.from({ length: 16 }, (_, shard) =>
      fanOutSlice({ campaignId: campaign.campaignId, shard }, deps.fanOut, () => 300_000),
    ),
  );
  const fanOutSeconds = (performance.now() - fanOutStarted) / 1000;

  // The worker's requests per share do not depend on the campaign's size: a sample of the jobs
  // the fan-out queued is published, the rest are dropped.
  phase = undefined;
  await admin.sqs.send(new PurgeQueueCommand({ QueueUrl: queues.shareQueueUrl }));
  const { sendShareJobs } = await import('#shared/queue/share-queue');
  await sendShareJobs(
    queues.shareQueueUrl,
    people.slice(0, SAMPLE).map((p) => ({
      job: {
        shareId: shareIdFor(campaign.campaignId, p.employeeId, 'sandbox'),
        campaignId: campaign.campaignId,
        postId: campaign.postId,
        employeeId: p.employeeId,
        network: 'sandbox' as const,
      },
    })),
  );
  progress(`fan-out: publishing ${SAMPLE.toLocaleString('en')} of the shares through the worker…`);
  phase = phases.worker;
  const worker = createShareWorker(deps.worker, deps.queue);
  let batches = 0;
  let handlerMs = 0;
  const context = { getRemainingTimeInMillis: () => 30_000 } as Context;
  const consumer = startQueueConsumer({
    sqs: consumerSqs,
    queueUrl: queues.shareQueueUrl,
    queueArn: 'arn:aws:sqs:us-east-1:000000000000:chorus-share',
    batchSize: 10,
    maxBatchingWindowSeconds: 1,
    concurrency: 8,
    invoke: async (event) => {
      const started = performance.now();
      try {
        return await worker(event as never, context);
      } finally {
        batches += 1;
        handlerMs += performance.now() - started;
      }
    },
    log: (line) => console.error(line),
  });
  const workerStarted = performance.now();
  let published = 0;
  while (published < SAMPLE) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    published = phases.worker?.get('EventBridge PutEvents')?.entries ?? 0;
  }
  await consumer.stop();
  const workerSeconds = (performance.now() - workerStarted) / 1000;

  reportFigures(fanOutSeconds, workerSeconds, batches, handlerMs);
  consumerSqs.destroy();
  admin.dynamo.destroy();
  admin.sqs.destroy();
  await bus.stop();
  await fauxqs.stop();
  await dynamoLocal.stop();
};

const reportFigures = (
  fanOutSeconds: number,
  workerSeconds: number,
  batches: number,
  handlerMs: number,
) => {
  const size = { fanOut: JOBS, worker: SAMPLE } as Record<string, number>;
  const perShare = new Map<string, number>();
  let dynamoCost = 0;
  let sqsCost = 0;
  let eventsCost = 0;
  for (const [name, counts] of Object.entries(phases)) {
    const n = size[name] ?? 1;
    for (const [key, row] of counts) {
      const service = key.split(' ')[0] as string;
      perShare.set(service, (perShare.get(service) ?? 0) + row.requests / n);
      if (service === 'DynamoDB') {
        dynamoCost += (row.read * PRICES.dynamoReadUnit + row.write * PRICES.dynamoWriteUnit) / n;
      } else if (service === 'SQS') sqsCost += (row.requests * PRICES.sqsRequest) / n;
      else eventsCost += (row.entries * PRICES.eventBridgeEvent) / n;
    }
  }
  // Lambda: the worker's invocations (one per batch) at 512 MB for the time measured here, plus
  // the fan-out's 17 invocations per campaign; a model, since a laptop is not a Lambda.
  const lambdaCost =
    (batches * PRICES.lambdaRequest + (handlerMs / 1000) * 0.5 * PRICES.lambdaGbSecond) / SAMPLE +
    (17 * PRICES.lambdaRequest) / JOBS;
  const perMillion = (dynamoCost + sqsCost + eventsCost + lambdaCost) * 1e6;
  const section = `fan-out (${JOBS.toLocaleString('en')} jobs; worker sample ${SAMPLE.toLocaleString('en')})`;
  const timeout = functions.shareFanout.timeoutSeconds;
  report([
    {
      section,
      figure: 'fan-out wall time, all 16 slices',
      value: fanOutSeconds,
      unit: 's',
      against: `limit ${timeout} s, one slice's Lambda timeout (${(JOBS / fanOutSeconds).toFixed(0)} jobs/s)`,
      met: fanOutSeconds < timeout,
    },
    ...[...perShare].sort().map(([service, n]) => ({
      section,
      figure: `${service} requests per share`,
      value: n,
      unit: 'requests',
      against: 'counted by SDK middleware (fan-out per job + worker per share)',
    })),
    {
      section,
      figure: 'modelled AWS cost per million shares',
      value: perMillion,
      unit: 'USD',
      against: `limit $${COST_LIMIT_PER_MILLION}; DynamoDB $${(dynamoCost * 1e6).toFixed(2)}, Lambda $${(lambdaCost * 1e6).toFixed(2)}, EventBridge $${(eventsCost * 1e6).toFixed(2)}, SQS $${(sqsCost * 1e6).toFixed(2)} at us-east-1 list prices`,
      met: perMillion <= COST_LIMIT_PER_MILLION,
    },
    {
      section,
      figure: 'worker wall time for the sample',
      value: workerSeconds,
      unit: 's',
      against: `${(SAMPLE / workerSeconds).toFixed(0)} shares/s here, ${(handlerMs / batches).toFixed(0)} ms per batch of 10 (DynamoDB Local, not AWS)`,
    },
  ]);
};

await main();
