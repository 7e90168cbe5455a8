import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createApiClient } from '#infra/local/demo/client';
import { startLocalRuntime } from '#infra/local/runtime';

/**
 * The local runtime (`npm start`'s program) in this process, on a fresh DynamoDB Local of its
 * own, for a bench section: its URL, an API client, and a stop that also removes its data.
 * Modules that build SDK clients (`#shared/aws` and what imports it) must be imported after this
 * resolves, so their clients read the endpoints the runtime set.
 */
export const startBenchRuntime = async (section: string) => {
  const dataDir = mkdtempSync(join(tmpdir(), `chorus-bench-${section}-`));
  const runtime = await startLocalRuntime({
    dataDir,
    persist: false,
    reset: true,
    apiPort: 0,
    logLevel: 'ERROR',
    log: () => undefined,
  });
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  return {
    apiUrl: runtime.apiUrl,
    client: createApiClient(runtime.apiUrl),
    stop: async () => {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/**
 * DynamoDB Local's raw write rate on this machine, now: single-item PutItems of `item` per
 * second from `clients` concurrent loops for `seconds`, each to a partition of its own. The
 * baseline a stage's item writes per second are set beside, measured in the same run.
 */
export const rawWriteRate = async (options: {
  table: string;
  clients: number;
  seconds: number;
  item: Record<string, unknown>;
}): Promise<number> => {
  const { dynamo } = await import('#shared/aws');
  let writes = 0;
  const started = performance.now();
  const until = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, c) => {
      while (performance.now() < until) {
        await dynamo().send(
          new PutCommand({
            TableName: options.table,
            Item: { ...options.item, pk: `BENCH#${c}`, sk: `RAW#${writes}` },
          }),
        );
        writes += 1;
      }
    }),
  );
  return writes / ((performance.now() - started) / 1000);
};
