import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where a running runtime leaves its address for `npm run token` and `npm run demo`. */
export const runtimeInfoFile = (dataDir: string) => join(dataDir, 'runtime.json');

/** Finds the `npm start` runtime for this data folder, or exits with one line saying there is none. */
export interface RuntimeInfo {
  apiUrl: string;
  dynamoDbEndpoint: string;
  tableName: string;
  sqsEndpoint: string;
  shareQueueUrl: string;
  shareDeadLetterQueueUrl: string;
  /** Absent in the file of a runtime started before they were recorded. */
  eventDeadLetterQueueUrl?: string;
  eventBusEndpoint?: string;
  busName?: string;
}

export const findRunningRuntime = async (dataDir: string): Promise<RuntimeInfo> => {
  const notRunning = () => {
    console.error(
      'chorus: no local runtime is running. Start one with `npm start` in another terminal.',
    );
    process.exit(1);
  };
  const file = runtimeInfoFile(dataDir);
  if (!existsSync(file)) return notRunning();
  const info = JSON.parse(readFileSync(file, 'utf8')) as RuntimeInfo;
  try {
    const response = await fetch(`${info.apiUrl}/_local/health`);
    if (!response.ok) return notRunning();
  } catch {
    return notRunning();
  }
  return info;
};
