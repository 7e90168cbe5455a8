import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { invocationFailureRecord } from '#infra/dead-letters';
import { type Invoke, localFunctionArn } from '#infra/local/lambda-runtime';

export interface LocalRule {
  name: string;
  source: string;
  detailTypes: readonly string[];
  target: Invoke;
}

export interface LocalEventBus {
  endpoint: string;
  /** Deliveries started and not yet finished (including retries). */
  inFlight(): number;
  stop(): Promise<void>;
}

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
}

/**
 * Records an asynchronous invocation that failed every attempt in the event dead-letter queue,
 * as Lambda's on-failure destination receives it: the event, the function, the error.
 */
export const deadLetterInvocation = async (
  queue: { sqs: SQSClient; deadLetterQueueUrl: string },
  functionName: string,
  event: unknown,
  error: unknown,
  attempts: number,
): Promise<void> => {
  await queue.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.deadLetterQueueUrl,
      MessageBody: JSON.stringify(
        invocationFailureRecord({
          functionArn: localFunctionArn(functionName),
          event,
          error,
          attempts,
          at: new Date(),
        }),
      ),
    }),
  );
};

/**
 * EventBridge's PutEvents on the wire (JSON 1.1, `AWSEvents.PutEvents`), so handlers use the real
 * SDK client. Events are matched on source and detail-type, as the stack's rules do, and each
 * target is invoked asynchronously with Lambda's retries for a failing handler; an event that
 * still fails is sent to the event dead-letter queue as Lambda's invocation record, with the
 * error, as the function's on-failure destination receives it in AWS.
 */
export const startLocalEventBus = async (options: {
  port: number;
  busName: string;
  rules: readonly LocalRule[];
  /** Lambda's retries of a failed asynchronous invocation (asyncFailures.event). */
  retryAttempts: number;
  sqs: SQSClient;
  deadLetterQueueUrl: string;
  log: (line: string) => void;
}): Promise<LocalEventBus> => {
  let inFlight = 0;

  const deliver = async (rule: LocalRule, event: Record<string, unknown>): Promise<void> => {
    inFlight += 1;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          await rule.target(event);
          return;
        } catch (error) {
          if (attempt >= options.retryAttempts) {
            options.log(
              `event ${event['detail-type']} to ${rule.name} failed ${attempt + 1} times: ${(error as Error).message}`,
            );
            await deadLetterInvocation(options, rule.name, event, error, attempt + 1);
            return;
          }
          await sleep(100 * 2 ** attempt);
        }
      }
    } finally {
      inFlight -= 1;
    }
  };

  const putEvents = (entries: readonly PutEventsEntry[]) => {
    const results = entries.map((entry) => {
      if (entry.EventBusName && entry.EventBusName !== options.busName) {
        return {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
        };
      }
      if (!entry.Source || !entry.DetailType || !entry.Detail) {
        return {
          ErrorCode: 'InvalidArgument',
          ErrorMessage: 'Source, DetailType and Detail are required.',
        };
      }
      let detail: unknown;
      try {
        detail = JSON.parse(entry.Detail);
      } catch {
        return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      }
      const id = randomUUID();
      const event = {
        version: '0',
        id,
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: '000000000000',
        time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: 'us-east-1',
        resources: [],
        detail,
      };
      for (const rule of options.rules) {
        if (rule.source === entry.Source && rule.detailTypes.includes(entry.DetailType)) {
          void deliver(rule, event);
        }
      }
      return { EventId: id };
    });
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  };

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (request.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return reply(400, {
          __type: 'UnknownOperationException',
          message: 'Only PutEvents is emulated',
        });
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          Entries?: PutEventsEntry[];
        };
        reply(200, putEvents(body.Entries ?? []));
      } catch {
        reply(400, { __type: 'SerializationException', message: 'Malformed request body' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    inFlight: () => inFlight,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
