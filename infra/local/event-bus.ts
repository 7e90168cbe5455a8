import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Invoke } from '#infra/local/lambda-runtime';

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
 * EventBridge's PutEvents on the wire (JSON 1.1, `AWSEvents.PutEvents`), so handlers use the real
 * SDK client. Events are matched on source and detail-type, as the stack's rules do, and each
 * target is invoked asynchronously with retries; an event that still fails is sent to the event
 * dead-letter queue with the error, as the rule's DLQ would receive it.
 */
export const startLocalEventBus = async (options: {
  port: number;
  busName: string;
  rules: readonly LocalRule[];
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
            await options.sqs.send(
              new SendMessageCommand({
                QueueUrl: options.deadLetterQueueUrl,
                MessageBody: JSON.stringify(event),
                MessageAttributes: {
                  RULE_ARN: { DataType: 'String', StringValue: rule.name },
                  ERROR_MESSAGE: {
                    DataType: 'String',
                    StringValue: (error as Error).message.slice(0, 1000),
                  },
                },
              }),
            );
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
