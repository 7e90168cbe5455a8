import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import { type DetailType, EVENT_SOURCE, eventSchemas } from '#shared/events/catalogue';
import { EventMeta } from '#shared/events/outbox';
import { logger } from '#shared/logger';
import { PARTITIONS } from '#shared/store/keys';

/** PutEvents takes at most ten entries a call. */
const PUT_EVENTS_MAX_ENTRIES = 10;

export type PutEntries = (
  entries: readonly PutEventsRequestEntry[],
) => Promise<readonly PutEventsResultEntry[]>;

export interface RelayDependencies {
  busName: string;
  put: PutEntries;
}

/** The attributes of an outbox item the relay reads, as the stream's new image has them. */
const OutboxImage = z.object({
  pk: z.object({ S: z.string().startsWith(PARTITIONS.outbox) }),
  eventId: z.object({ S: z.string().min(1) }),
  detailType: z.object({ S: z.enum(Object.keys(eventSchemas) as [DetailType, ...DetailType[]]) }),
  detail: z.object({ S: z.string() }),
});

const isOutboxInsert = (record: DynamoDBRecord) =>
  record.eventName === 'INSERT' &&
  String(record.dynamodb?.NewImage?.pk?.S ?? '').startsWith(PARTITIONS.outbox);

/** The bus entry of one outbox record, validated against the catalogue as any producer would. */
const entryOf = (record: DynamoDBRecord, busName: string): PutEventsRequestEntry => {
  const image = OutboxImage.parse(record.dynamodb?.NewImage);
  const detailType = image.detailType.S;
  const detail = JSON.parse(image.detail.S) as Record<string, unknown>;
  const meta = EventMeta.parse(detail);
  const facts = eventSchemas[detailType].parse(detail) as Record<string, unknown>;
  return {
    EventBusName: busName,
    Source: EVENT_SOURCE,
    DetailType: detailType,
    Detail: JSON.stringify({ ...facts, ...meta }),
  };
};

/**
 * Puts the outbox records of a stream batch on the bus, in stream order. A stream is read in
 * order per shard, so the answer names the first record not delivered: the event source
 * checkpoints everything before it and hands that record and the rest back (some of which were
 * perhaps delivered already: delivery is at least once, and consumers dedupe). Anything else the
 * stream carries (other items, updates, TTL deletions) is passed over.
 */
export const relayOutbox = async (
  records: readonly DynamoDBRecord[],
  deps: RelayDependencies,
): Promise<DynamoDBBatchResponse> => {
  const outbox = records.filter(isOutboxInsert);
  for (let start = 0; start < outbox.length; start += PUT_EVENTS_MAX_ENTRIES) {
    const chunk = outbox.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
    const failedAt = await putChunk(chunk, deps);
    if (failedAt !== undefined) {
      const first = chunk[failedAt];
      return {
        batchItemFailures: [{ itemIdentifier: first?.dynamodb?.SequenceNumber ?? '' }],
      };
    }
  }
  if (outbox.length > 0) logger.info('Outbox events relayed', { count: outbox.length });
  return { batchItemFailures: [] };
};

/**
 * The index of the first record of the chunk that did not reach the bus, if any. The event source
 * checkpoints every record before the one reported, so all of those must have been put: an
 * invalid record ends the chunk, but the valid ones before it are still sent.
 */
const putChunk = async (
  chunk: readonly DynamoDBRecord[],
  deps: RelayDependencies,
): Promise<number | undefined> => {
  const entries: PutEventsRequestEntry[] = [];
  let invalidAt: number | undefined;
  for (const [index, record] of chunk.entries()) {
    try {
      entries.push(entryOf(record, deps.busName));
    } catch (error) {
      // Cannot succeed on a retry either; the retries run out and it lands in the relay's DLQ.
      logger.error('Outbox record is not a valid event', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        reason: error instanceof Error ? error.message : String(error),
      });
      invalidAt = index;
      break;
    }
  }
  if (entries.length === 0) return invalidAt;
  try {
    const results = await deps.put(entries);
    // Results answer entries in order; an entry with no result is not known to have arrived.
    const failed = entries.findIndex((_, i) => !results[i] || results[i]?.ErrorCode);
    if (failed === -1) return invalidAt;
    logger.warn('EventBridge refused an outbox event', {
      errorCode: results[failed]?.ErrorCode ?? 'no result',
      detailType: entries[failed]?.DetailType,
    });
    return failed;
  } catch (error) {
    logger.warn('PutEvents failed', { reason: error instanceof Error ? error.message : error });
    return 0;
  }
};
