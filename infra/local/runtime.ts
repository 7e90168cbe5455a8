import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startFauxqs } from 'fauxqs';
import { z } from 'zod';
import { buildBrowserApp } from '#infra/browser-app';
import {
  asyncFailures,
  BROWSER_APP_DIR,
  bus,
  defaultRoute,
  ENV,
  type FunctionDeclaration,
  type FunctionName,
  functions,
  routes,
} from '#infra/declaration';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { deadLetterInvocation, startLocalEventBus } from '#infra/local/event-bus';
import { type LocalControl, startLocalHttpApi } from '#infra/local/http-api';
import { createLocalIssuer, LOCAL_AUDIENCE } from '#infra/local/issuer';
import { type Invoke, lambdaInvoker } from '#infra/local/lambda-runtime';
import { freePort } from '#infra/local/ports';
import { LOCAL_NAMES, provisionQueues, provisionTable } from '#infra/local/provision';
import { startQueueConsumer } from '#infra/local/queue-consumer';
import { runtimeInfoFile } from '#infra/local/runtime-client';
import { startScheduler } from '#infra/local/scheduler';
import {
  configuredOrigins,
  localClickKey,
  localNetworkSettings,
  localTokenKey,
} from '#infra/local/secrets';
import { createLocalSignIn, LOCAL_SIGN_IN_PATH } from '#infra/local/sign-in';
import { startStreamConsumer } from '#infra/local/stream-consumer';
import { enforceTableAccess } from '#infra/local/table-access';
import { openTableStream } from '#infra/local/table-stream';
import { Role } from '#shared/auth/roles';
import { allowLocalOutbound } from '#shared/outbound/local-seam';
import { createAuditStore } from '#shared/store/audit';
import { createEmployeeStore } from '#shared/store/employees';

export interface RuntimeOptions {
  /** Folder for DynamoDB data, issuer keys and runtime.json. */
  dataDir: string;
  /** Keep DynamoDB data on disk (default) or in memory (tests). */
  persist: boolean;
  reset: boolean;
  apiPort: number;
  /** Powertools log level for the handlers. */
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  log: (line: string) => void;
}

export interface LocalRuntime {
  apiUrl: string;
  stop(): Promise<void>;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const REGION = 'us-east-1';

const TokenBody = z.object({
  role: Role,
  email: z.email().optional(),
  name: z.string().max(200).optional(),
  sub: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/)
    .optional(),
  emailVerified: z.boolean().optional(),
});
const ClockBody = z.object({
  advanceMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 60),
});

/**
 * The whole of Chorus on one machine, built from infra/declaration.ts: DynamoDB Local and fauxqs
 * for real, and in process the bus's rules, the SQS event source, the schedules and the HTTP API
 * in front of the same handlers the stack deploys.
 */
export const startLocalRuntime = async (options: RuntimeOptions): Promise<LocalRuntime> => {
  if (options.reset) rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const stops: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };

  try {
    // DynamoDB Local runs from its package's folder, so its data path must be absolute.
    const dataPath = resolve(options.dataDir, 'dynamodb');
    if (options.persist) mkdirSync(dataPath, { recursive: true });
    const dynamoDb = await startDynamoDbLocal({
      port: await freePort(),
      ...(options.persist ? { dataPath } : {}),
    });
    stops.push(() => dynamoDb.stop());

    const fauxqs = await startFauxqs({ port: 0, logger: false, defaultRegion: REGION });
    stops.push(() => fauxqs.stop());

    const dynamoClient = new DynamoDBClient({
      endpoint: dynamoDb.endpoint,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const sqsClient = new SQSClient({
      endpoint: fauxqs.address,
      region: REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    stops.push(() => {
      dynamoClient.destroy();
      sqsClient.destroy();
    });
    await provisionTable(dynamoClient);
    const queues = await provisionQueues(sqsClient);
    // The API's address is known before any handler loads: OAuth callbacks and links use it.
    const apiPort = options.apiPort === 0 ? await freePort() : options.apiPort;
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const networkSettings = localNetworkSettings(options.dataDir);
    // The operator's own network endpoints (local fakes on loopback, say) may be called;
    // hosts employees name still pass every check.
    allowLocalOutbound({ allowOrigins: configuredOrigins(networkSettings) });

    // The handlers' own SDK clients read these, exactly as they read AWS's defaults in the cloud.
    Object.assign(process.env, {
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamoDb.endpoint,
      AWS_ENDPOINT_URL_SQS: fauxqs.address,
      POWERTOOLS_SERVICE_NAME: 'chorus',
      POWERTOOLS_LOG_LEVEL: options.logLevel,
      [ENV.table]: LOCAL_NAMES.table,
      [ENV.bus]: LOCAL_NAMES.bus,
      [ENV.shareQueue]: queues.shareQueueUrl,
      [ENV.shareDeadLetterQueue]: queues.shareDeadLetterQueueUrl,
      [ENV.tokenKey]: localTokenKey(options.dataDir),
      [ENV.apiUrl]: apiUrl,
      // The secret's value itself: there is no Secrets Manager here to name.
      CLICK_KEY: localClickKey(options.dataDir),
      ...(networkSettings ? { NETWORK_SETTINGS: networkSettings } : {}),
      // People sign in to the console through the local issuer's pages, under this base URL.
      [ENV.signIn]: JSON.stringify({
        url: `${apiUrl}${LOCAL_SIGN_IN_PATH}`,
        clientId: LOCAL_AUDIENCE,
      }),
    });

    // A browser app is built now, as the CDK builds it when bundling; its function reads it from
    // here (in AWS, from beside its bundle).
    for (const declaration of Object.values(functions) as FunctionDeclaration[]) {
      if (!declaration.browserApp) continue;
      const appDir = join(resolve(options.dataDir), BROWSER_APP_DIR);
      await buildBrowserApp(declaration.browserApp.entry, appDir);
      process.env.BROWSER_APP_PATH = appDir;
    }

    enforceTableAccess();
    const entries = Object.entries(functions) as [FunctionName, (typeof functions)[FunctionName]][];
    const invokers = Object.fromEntries(
      entries.map(([name, declaration]) => [name, lambdaInvoker(name, declaration)]),
    ) as Record<FunctionName, Invoke>;

    const eventBus = await startLocalEventBus({
      port: 0,
      busName: LOCAL_NAMES.bus,
      rules: entries.flatMap(([name, declaration]) =>
        declaration.trigger.kind === 'event'
          ? [
              {
                name,
                source: bus.source,
                detailTypes: declaration.trigger.detailTypes,
                target: invokers[name],
              },
            ]
          : [],
      ),
      retryAttempts: asyncFailures.event.retryAttempts,
      sqs: sqsClient,
      deadLetterQueueUrl: queues.eventDeadLetterQueueUrl,
      log: options.log,
    });
    stops.push(() => eventBus.stop());
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = eventBus.endpoint;

    // The outbox relay, fed by DynamoDB Local's own stream as Lambda's mapping feeds it in AWS.
    const streamConsumers = await Promise.all(
      entries.flatMap(([name, declaration]) =>
        declaration.trigger.kind === 'stream'
          ? [
              (async (trigger) =>
                startStreamConsumer({
                  reader: await openTableStream({
                    dynamo: dynamoClient,
                    endpoint: dynamoDb.endpoint,
                    tableName: LOCAL_NAMES.table,
                  }),
                  batchSize: trigger.batchSize,
                  retryAttempts: trigger.retryAttempts,
                  bisectOnError: trigger.bisectOnError,
                  invoke: invokers[name],
                  sqs: sqsClient,
                  onFailureQueueUrl: queues.outboxRelayDeadLetterQueueUrl,
                  log: options.log,
                }))(declaration.trigger),
            ]
          : [],
      ),
    );
    stops.push(() => Promise.all(streamConsumers.map((c) => c.stop())).then(() => undefined));

    const { Attributes } = await sqsClient.send(
      new GetQueueAttributesCommand({
        QueueUrl: queues.shareQueueUrl,
        AttributeNames: ['QueueArn'],
      }),
    );
    const consumers = entries.flatMap(([name, declaration]) =>
      declaration.trigger.kind === 'queue'
        ? [
            startQueueConsumer({
              sqs: sqsClient,
              queueUrl: queues.shareQueueUrl,
              queueArn: Attributes?.QueueArn ?? '',
              batchSize: declaration.trigger.batchSize,
              maxBatchingWindowSeconds: declaration.trigger.maxBatchingWindowSeconds,
              // Two cores here, not Lambda's fleet: a handful of pollers keeps both busy.
              concurrency: Math.min(declaration.trigger.maxConcurrency, 4),
              invoke: invokers[name],
              log: options.log,
            }),
          ]
        : [],
    );
    stops.push(() => Promise.all(consumers.map((c) => c.stop())).then(() => undefined));

    const scheduler = startScheduler(
      entries.flatMap(([name, declaration]) =>
        declaration.trigger.kind === 'schedule'
          ? [{ name, everyMinutes: declaration.trigger.everyMinutes, target: invokers[name] }]
          : [],
      ),
      options.log,
      // A schedule's failed tick lands in the event DLQ, as its on-failure destination in AWS.
      (schedule, event, error) =>
        deadLetterInvocation(
          { sqs: sqsClient, deadLetterQueueUrl: queues.eventDeadLetterQueueUrl },
          schedule.name,
          event,
          error,
          1 + asyncFailures.schedule.retryAttempts,
        ),
    );
    stops.push(() => scheduler.stop());

    const issuer = await createLocalIssuer(join(options.dataDir, 'issuer-keys.json'));
    const directory = createEmployeeStore(LOCAL_NAMES.table, createAuditStore(LOCAL_NAMES.table));
    const signIn = createLocalSignIn({
      apiUrl,
      issuer,
      // The page lists the directory's first people; anyone else is typed in.
      directory: async () =>
        (await directory.everyone((employee) => employee.status === 'active'))
          .sort((a, b) => a.name.localeCompare(b.name))
          .slice(0, 50)
          .map(({ email, name }) => ({ email, name })),
    });

    const queueDepth = async (queueUrl: string) => {
      const { Attributes: a } = await sqsClient.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return {
        visible: Number(a?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    };

    const control: LocalControl = async (method, path, body, request) => {
      const signInAnswer = await signIn.control(method, path, body, request);
      if (signInAnswer) return signInAnswer;
      const parse = <S extends z.ZodType>(schema: S) => {
        try {
          return schema.safeParse(body ? JSON.parse(body) : {});
        } catch {
          return schema.safeParse(undefined);
        }
      };
      if (method === 'GET' && path === '/_local/health') return { status: 200, body: { ok: true } };
      if (method === 'POST' && path === '/_local/token') {
        const request = parse(TokenBody);
        if (!request.success)
          return {
            status: 400,
            body: {
              error: {
                code: 'invalid_request',
                message:
                  'role must be one of marketing, legal, employee, admin (sub: letters, digits, dashes)',
              },
            },
          };
        return { status: 200, body: await issuer.issue(request.data) };
      }
      if (method === 'POST' && path === '/_local/clock') {
        const request = parse(ClockBody);
        if (!request.success)
          return {
            status: 400,
            body: {
              error: { code: 'invalid_request', message: 'advanceMinutes must be a whole number' },
            },
          };
        return {
          status: 200,
          body: { now: (await scheduler.advance(request.data.advanceMinutes)).toISOString() },
        };
      }
      if (method === 'GET' && path === '/_local/status') {
        const [shareQueue, shareDeadLetterQueue, eventDeadLetterQueue] = await Promise.all([
          queueDepth(queues.shareQueueUrl),
          queueDepth(queues.shareDeadLetterQueueUrl),
          queueDepth(queues.eventDeadLetterQueueUrl),
        ]);
        const busy =
          eventBus.inFlight() +
          consumers.reduce((n, c) => n + c.busy(), 0) +
          streamConsumers.filter((c) => c.busy()).length;
        const idle = busy === 0 && shareQueue.visible + shareQueue.inFlight === 0;
        return {
          status: 200,
          body: {
            now: scheduler.now().toISOString(),
            idle,
            eventsInFlight: eventBus.inFlight(),
            shareQueue,
            shareDeadLetterQueue,
            eventDeadLetterQueue,
          },
        };
      }
      return undefined;
    };

    const api = await startLocalHttpApi({
      port: apiPort,
      routes: routes.map((declaration) => ({
        declaration,
        target: invokers[declaration.function],
      })),
      fallback: invokers[defaultRoute.function],
      verify: (token) => issuer.verify(token),
      control,
      log: options.log,
    });
    stops.push(() => api.stop());

    writeFileSync(
      runtimeInfoFile(options.dataDir),
      JSON.stringify({
        apiUrl: api.url,
        pid: process.pid,
        dynamoDbEndpoint: dynamoDb.endpoint,
        tableName: LOCAL_NAMES.table,
        sqsEndpoint: fauxqs.address,
        shareQueueUrl: queues.shareQueueUrl,
        shareDeadLetterQueueUrl: queues.shareDeadLetterQueueUrl,
        eventDeadLetterQueueUrl: queues.eventDeadLetterQueueUrl,
        eventBusEndpoint: eventBus.endpoint,
        busName: LOCAL_NAMES.bus,
      }),
    );
    stops.push(() => rmSync(runtimeInfoFile(options.dataDir), { force: true }));
    return { apiUrl: api.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
