import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { type EventDeadLetter, readEventDeadLetter, redriveEntryOf } from '#infra/dead-letters';

/** Listing hides each message for a few seconds only; redriving deletes what it moved. */
const LIST_VISIBILITY_SECONDS = 5;
const REDRIVE_VISIBILITY_SECONDS = 60;
const LIST_LIMIT = 1000;

const receive = (sqs: SQSClient, queueUrl: string, visibilitySeconds: number) =>
  sqs
    .send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilitySeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    )
    .then(({ Messages = [] }) => Messages);

const remove = (sqs: SQSClient, queueUrl: string, messages: readonly Message[]) =>
  messages.length === 0
    ? Promise.resolve()
    : sqs
        .send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        )
        .then(() => undefined);

export interface ShareDeadLetter {
  id: string;
  reason: string;
  body: string;
}

/** The share jobs parked in the share DLQ, each with the worker's reason when it gave one. */
export const listShareDeadLetters = async (
  sqs: SQSClient,
  dlqUrl: string,
): Promise<ShareDeadLetter[]> => {
  const found: ShareDeadLetter[] = [];
  for (;;) {
    const messages = await receive(sqs, dlqUrl, LIST_VISIBILITY_SECONDS);
    if (messages.length === 0 || found.length >= LIST_LIMIT) return found;
    found.push(
      ...messages.map((m) => ({
        id: m.MessageId ?? '',
        reason: m.MessageAttributes?.reason?.StringValue ?? 'failed too many receives',
        body: m.Body ?? '',
      })),
    );
  }
};

/** Moves the share DLQ's jobs back onto the share queue; the worker never posts twice. */
export const redriveShareJobs = async (
  sqs: SQSClient,
  dlqUrl: string,
  queueUrl: string,
): Promise<number> => {
  let moved = 0;
  for (;;) {
    const messages = await receive(sqs, dlqUrl, REDRIVE_VISIBILITY_SECONDS);
    if (messages.length === 0) return moved;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
      }),
    );
    await remove(sqs, dlqUrl, messages);
    moved += messages.length;
  }
};

/** The events in the event DLQ, each with the function that failed it and why. */
export const listEventDeadLetters = async (
  sqs: SQSClient,
  dlqUrl: string,
): Promise<(EventDeadLetter & { id: string })[]> => {
  const found: (EventDeadLetter & { id: string })[] = [];
  for (;;) {
    const messages = await receive(sqs, dlqUrl, LIST_VISIBILITY_SECONDS);
    if (messages.length === 0 || found.length >= LIST_LIMIT) return found;
    found.push(...messages.map((m) => ({ id: m.MessageId ?? '', ...readEventDeadLetter(m) })));
  }
};

/**
 * Puts the event DLQ's events back on the bus (every consumer is idempotent, so a rule that had
 * taken the event already changes nothing). A schedule's tick is dropped, not redriven: the
 * ticks since have done its work. A message is deleted only after the bus accepted its event.
 */
export const redriveEvents = async (
  sqs: SQSClient,
  dlqUrl: string,
  bus: { client: EventBridgeClient; name: string; source: string },
): Promise<{ redriven: number; dropped: number }> => {
  let redriven = 0;
  let dropped = 0;
  for (;;) {
    const messages = await receive(sqs, dlqUrl, REDRIVE_VISIBILITY_SECONDS);
    if (messages.length === 0) return { redriven, dropped };
    const entries = messages.map((m) =>
      redriveEntryOf(readEventDeadLetter(m), bus.source, bus.name),
    );
    const toSend = entries.flatMap((entry) => (entry ? [entry] : []));
    if (toSend.length > 0) {
      const result = await bus.client.send(new PutEventsCommand({ Entries: toSend }));
      if ((result.FailedEntryCount ?? 0) > 0) {
        throw new Error(`The bus refused ${result.FailedEntryCount} event(s); nothing deleted`);
      }
    }
    await remove(sqs, dlqUrl, messages);
    redriven += toSend.length;
    dropped += messages.length - toSend.length;
  }
};
