/**
 * `npm run bench` (second part): one campaign to 100,000 (employee, network) jobs through the
 * real fan-out and share worker, on DynamoDB Local, fauxqs and the local event bus. An SDK
 * middleware counts every AWS request each service received, per share, and the DynamoDB
 * capacity it consumed; the cost per million shares follows at us-east-1 list prices.
 * BENCH_JOBS overrides the size.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { MiddlewareStack } from '@smithy/types';
import type { Context } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { fanOutSlice, startFanOut } from '#functions/share-fanout/fan-out';
import { createShareWorker } from '#functions/share-worker/worker';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { startLocalEventBus } from '#infra/local/event-bus';
import { freePort } from '#infra/local/ports';
import { LOCAL_NAMES, provisionQueues, provisionTable } from '#infra/local/provision';
import { startQueueConsumer } from '#infra/local/queue-consumer';

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000);

/** us-east-1 list prices (USD), November 2026. */
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

  console.log(`Seeding ${JOBS.toLocaleString('en')} opted-in employees…`);
  const deps = stores.benchDependencies(LOCAL_NAMES.table, queues, LOCAL_NAMES.bus);
  const { campaign } = await stores.arrange(deps, JOBS);

  console.log('Fanning the campaign out…');
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

  console.log('Publishing every share through the worker…');
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
  while (published < JOBS) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    published = phases.worker?.get('EventBridge PutEvents')?.entries ?? 0;
    process.stdout.write(`\r  ${published.toLocaleString('en')} shares published`);
  }
  await consumer.stop();
  const workerSeconds = (performance.now() - workerStarted) / 1000;
  console.log('\n');

  report(fanOutSeconds, workerSeconds, batches, handlerMs);
  consumerSqs.destroy();
  admin.dynamo.destroy();
  admin.sqs.destroy();
  await bus.stop();
  await fauxqs.stop();
  await dynamoLocal.stop();
};

const report = (
  fanOutSeconds: number,
  workerSeconds: number,
  batches: number,
  handlerMs: number,
) => {
  const per = (n: number) => (n / JOBS).toFixed(3);
  const rows: string[][] = [];
  let dynamoCost = 0;
  let sqsCost = 0;
  let eventsCost = 0;
  for (const [name, counts] of Object.entries(phases)) {
    for (const [key, row] of [...counts.entries()].sort()) {
      rows.push([name, key, per(row.requests), per(row.read), per(row.write)]);
      if (key.startsWith('DynamoDB')) {
        dynamoCost += row.read * PRICES.dynamoReadUnit + row.write * PRICES.dynamoWriteUnit;
      } else if (key.startsWith('SQS')) sqsCost += row.requests * PRICES.sqsRequest;
      else eventsCost += row.entries * PRICES.eventBridgeEvent;
    }
  }
  console.log(
    `AWS requests per share, ${JOBS.toLocaleString('en')} jobs (counted by SDK middleware)`,
  );
  console.log(['phase', 'service operation', 'requests', 'read units', 'write units'].join('\t'));
  for (const row of rows) console.log(row.join('\t'));
  const byService = new Map<string, number>();
  for (const counts of Object.values(phases)) {
    for (const [key, row] of counts) {
      const service = key.split(' ')[0] as string;
      byService.set(service, (byService.get(service) ?? 0) + row.requests);
    }
  }
  console.log(
    `\nper share, by service: ${[...byService].map(([s, n]) => `${s} ${per(n)}`).join(', ')}`,
  );
  // Lambda: the worker's invocations (one per batch) at 512 MB for the time measured here, plus
  // the fan-out's 17 invocations; a model, since a laptop is not a Lambda.
  const workerGbSeconds = (handlerMs / 1000) * 0.5;
  const lambdaCost =
    (batches + 17) * PRICES.lambdaRequest + workerGbSeconds * PRICES.lambdaGbSecond;
  const million = 1e6 / JOBS;
  const total = (dynamoCost + sqsCost + eventsCost + lambdaCost) * million;
  console.log('\nModelled AWS cost per million shares (us-east-1 list prices, on-demand):');
  console.log(`  DynamoDB     $${(dynamoCost * million).toFixed(2)}  (measured capacity units)`);
  console.log(`  SQS          $${(sqsCost * million).toFixed(2)}`);
  console.log(`  EventBridge  $${(eventsCost * million).toFixed(2)}  (custom events put)`);
  console.log(
    `  Lambda       $${(lambdaCost * million).toFixed(2)}  (${batches} worker batches, ${(handlerMs / batches).toFixed(0)} ms each here, 512 MB)`,
  );
  console.log(`  total        $${total.toFixed(2)} per million shares (limit: $50)`);
  console.log(
    `\nfan-out ${fanOutSeconds.toFixed(1)} s, worker ${workerSeconds.toFixed(1)} s on this machine (DynamoDB Local; not AWS throughput)`,
  );
  if (total > 50) process.exitCode = 1;
};

await main();
