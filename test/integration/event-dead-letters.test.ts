import { setTimeout as sleep } from 'node:timers/promises';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncFailures, bus } from '#infra/declaration';
import {
  deadLetterInvocation,
  type LocalEventBus,
  startLocalEventBus,
} from '#infra/local/event-bus';
import { startScheduler } from '#infra/local/scheduler';
import { listEventDeadLetters, redriveEvents } from '#infra/tools/dead-letter-queue';
import './setup';

const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const BUS = 'chorus-dead-letters';
const detail = { postId: 'post_1', version: 1, from: 'draft', to: 'submitted', actor: 'author' };

let deadLetterQueueUrl: string;
let eventBus: LocalEventBus;
let eventBridge: EventBridgeClient;
let failing = true;
const deliveries: unknown[] = [];

const settled = async () => {
  while (eventBus.inFlight() > 0) await sleep(20);
};

beforeAll(async () => {
  const suffix = Math.random().toString(36).slice(2, 8);
  ({ QueueUrl: deadLetterQueueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `event-dlq-${suffix}` }),
  ));
  eventBus = await startLocalEventBus({
    port: 0,
    busName: BUS,
    rules: [
      {
        name: 'complianceCheck',
        source: bus.source,
        detailTypes: ['PostSubmitted'],
        target: async (event) => {
          deliveries.push(event);
          if (failing) throw new TypeError('policy store unreachable');
        },
      },
    ],
    retryAttempts: asyncFailures.event.retryAttempts,
    sqs,
    deadLetterQueueUrl,
    log: () => undefined,
  });
  eventBridge = new EventBridgeClient({ endpoint: eventBus.endpoint });
});
afterAll(async () => {
  await eventBus.stop();
});

describe('the event dead-letter queue, locally as in AWS', () => {
  it('holds an event whose handler always throws, after Lambda’s retries, with its function and reason; redrive delivers it again', async () => {
    await eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: BUS,
            Source: bus.source,
            DetailType: 'PostSubmitted',
            Detail: JSON.stringify(detail),
          },
        ],
      }),
    );
    await settled();
    expect(deliveries).toHaveLength(1 + asyncFailures.event.retryAttempts);

    const [letter, ...more] = await listEventDeadLetters(sqs, deadLetterQueueUrl);
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      target: 'chorus-complianceCheck',
      reason: `TypeError: policy store unreachable (after ${1 + asyncFailures.event.retryAttempts} attempts)`,
      event: { source: bus.source, 'detail-type': 'PostSubmitted', detail },
    });

    // The cause is fixed; the redrive puts the event back and the function takes it.
    failing = false;
    deliveries.length = 0;
    await sleep(5_100); // past the listing's short visibility timeout
    expect(
      await redriveEvents(sqs, deadLetterQueueUrl, {
        client: eventBridge,
        name: BUS,
        source: bus.source,
      }),
    ).toEqual({ redriven: 1, dropped: 0 });
    await settled();
    expect(deliveries).toEqual([
      expect.objectContaining({ 'detail-type': 'PostSubmitted', detail }),
    ]);
    expect(await listEventDeadLetters(sqs, deadLetterQueueUrl)).toEqual([]);
  });

  it('holds a schedule tick whose handler threw; redrive drops it, as later ticks did its work', async () => {
    const scheduler = startScheduler(
      [
        {
          name: 'dispatcher',
          everyMinutes: 60,
          target: async () => {
            throw new Error('table unreachable');
          },
        },
      ],
      () => undefined,
      (schedule, event, error) =>
        deadLetterInvocation(
          { sqs, deadLetterQueueUrl },
          schedule.name,
          event,
          error,
          1 + asyncFailures.schedule.retryAttempts,
        ),
    );
    await scheduler.advance(1);
    scheduler.stop();
    const letters = await listEventDeadLetters(sqs, deadLetterQueueUrl);
    expect(letters).toEqual([
      expect.objectContaining({
        target: 'chorus-dispatcher',
        reason: 'Error: table unreachable (after 1 attempts)',
        event: expect.objectContaining({ 'detail-type': 'Scheduled Event' }),
      }),
    ]);
    await sleep(5_100);
    expect(
      await redriveEvents(sqs, deadLetterQueueUrl, {
        client: eventBridge,
        name: BUS,
        source: bus.source,
      }),
    ).toEqual({ redriven: 0, dropped: 1 });
  });
});
