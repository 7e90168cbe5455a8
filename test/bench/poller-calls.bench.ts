/**
 * Bench section: how many network calls the engagement poller makes per 1,000 shares per day,
 * against what a fixed 15-minute cadence would make for the same shares in the same batches. One
 * campaign's shares, staggered over three hours, are read back by the real poller on DynamoDB
 * Local, on a clock that runs every 5 minutes (the schedule in infra/declaration.ts) for 31 days.
 * Runs with nothing due are skipped: they make no network call. BENCH_POLL_SHARES changes the
 * count (1,000; 4 quick).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal } from '#infra/local/dynamodb-local';
import { freePort } from '#infra/local/ports';
import { LOCAL_NAMES, provisionTable } from '#infra/local/provision';
import { progress, quick, report } from './figures';

const SHARES = Number(process.env.BENCH_POLL_SHARES ?? (quick ? 4 : 1000));
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LIFE_DAYS = 30;
/** The bar: at most a tenth of the fixed cadence's calls. */
const TARGET_SHARE_OF_FIXED = 0.1;

const main = async () => {
  const dynamoLocal = await startDynamoDbLocal({ port: await freePort() });
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: dynamoLocal.endpoint,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  const admin = new DynamoDBClient({ endpoint: dynamoLocal.endpoint, region: 'us-east-1' });
  await provisionTable(admin);
  const table = LOCAL_NAMES.table;

  // Imported only now: the stores' clients read the endpoint above.
  const { dynamo } = await import('#shared/aws');
  const { createSandboxNetwork } = await import('#shared/networks/sandbox');
  const { createPollerDependencies } = await import('#functions/engagement-poller/dependencies');
  const { pollEngagement } = await import('#functions/engagement-poller/poll-engagement');
  const { keys } = await import('#shared/store/keys');
  const { sandboxStores } = await import('../fixtures/share-stack');
  const { arrangeCampaign } = await import('../fixtures/sharing');
  const { publishSandboxShares } = await import('../fixtures/engagement');

  const sandbox = createSandboxNetwork(table);
  let calls = 0;
  let postsRead = 0;
  const counted = {
    ...sandbox,
    fetchMetrics: (posts: Parameters<typeof sandbox.fetchMetrics>[0], at: Date) => {
      calls += 1;
      postsRead += posts.length;
      return sandbox.fetchMetrics(posts, at);
    },
  };
  const stores = sandboxStores(table, sandbox);
  progress(`poller: publishing ${SHARES.toLocaleString('en')} sandbox shares over three hours…`);
  const arranged = await arrangeCampaign(stores, { count: SHARES });
  const start = new Date(Math.floor(Date.now() / DAY) * DAY - 40 * DAY);
  // Staggered over three hours: a share's first reading comes 15 minutes after it.
  const batches = 12;
  for (let b = 0; b < batches; b++) {
    const people = arranged.people.filter((_, i) => i % batches === b);
    await publishSandboxShares(
      table,
      { ...arranged, people },
      new Date(start.getTime() + b * 15 * MINUTE),
    );
  }

  const deps = {
    ...createPollerDependencies(table, { sandbox: counted }),
    recognition: undefined,
  };
  const nextDue = async (): Promise<Date | undefined> => {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.pollQueue('sandbox') },
        Limit: 1,
      }),
    );
    const sk = Items[0]?.gsi2sk;
    return typeof sk === 'string' ? new Date(sk.split('#')[0] ?? '') : undefined;
  };
  progress('poller: polling for 31 simulated days…');
  const end = start.getTime() + 31 * DAY;
  let runs = 0;
  for (let due = await nextDue(); due && due.getTime() < end; due = await nextDue()) {
    // The scheduler's next 5-minute tick at or after the earliest due reading.
    const tick = new Date(Math.ceil(due.getTime() / (5 * MINUTE)) * 5 * MINUTE);
    await pollEngagement(tick, deps);
    runs += 1;
  }

  const perShare = postsRead / SHARES;
  const per1000PerDay = (calls / LIFE_DAYS) * (1000 / SHARES);
  // The same shares read every 15 minutes for their life, in batches as large as the API allows.
  const fixedPer1000PerDay = Math.ceil(SHARES / sandbox.metricsBatchSize) * 96 * (1000 / SHARES);
  const section = `engagement poller (${SHARES.toLocaleString('en')} shares, ${LIFE_DAYS} days)`;
  report([
    {
      section,
      figure: 'network calls / 1,000 shares / day',
      value: per1000PerDay,
      unit: 'calls',
      against: `fixed 15-minute cadence ${fixedPer1000PerDay.toFixed(0)}; limit ≤ ${TARGET_SHARE_OF_FIXED * 100}%`,
      ratio: per1000PerDay / fixedPer1000PerDay,
      met: per1000PerDay <= fixedPer1000PerDay * TARGET_SHARE_OF_FIXED,
    },
    {
      section,
      figure: 'readings per share over its life',
      value: perShare,
      unit: 'readings',
      against: `fixed 15-minute cadence ${LIFE_DAYS * 96} (${runs} poller runs with work)`,
      ratio: perShare / (LIFE_DAYS * 96),
    },
  ]);
  admin.destroy();
  await dynamoLocal.stop();
};

await main();
