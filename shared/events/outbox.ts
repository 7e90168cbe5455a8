import { z } from 'zod';
import { type DetailType, eventSchemas } from '#shared/events/catalogue';
import type { PendingEvent } from '#shared/events/publisher';
import { keys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

/**
 * A DynamoDB transaction holds at most 100 items, so no commit can carry 100 events: the
 * sequence of an event is its commit's place in the aggregate's audit chain times this, plus its
 * place in the commit. Strictly increasing per aggregate, without a counter of its own to race on.
 */
export const EVENTS_PER_COMMIT = 100;

/**
 * The stream keeps records 24 hours; the item is kept a week, so an event whose relay was
 * stopped for a day can still be found and re-announced by hand.
 */
const KEEP_SECONDS = 7 * 24 * 3600;

/** What every delivered event carries beside its facts: who it is and where it stands. */
export const EventMeta = z.object({
  /** Stable across redeliveries: consumers dedupe on it. */
  id: z.string().min(1),
  /** The stream of the thing that changed (`post#…`, `campaign#…`). */
  aggregate: z.string().min(1),
  /** Larger is newer within one aggregate; a consumer ignores what is older than it has seen. */
  sequence: z.number().int().nonnegative(),
});
export type EventMeta = z.infer<typeof EventMeta>;

export interface OutboxEvent extends EventMeta {
  detailType: DetailType;
  /** The facts, validated against the catalogue, with the meta fields beside them. */
  detail: Record<string, unknown>;
}

/** Numbers a commit's events: `chainSeq` is the audit seq of the commit's last entry. */
export const numberEvents = (
  aggregate: string,
  chainSeq: number,
  events: readonly PendingEvent[],
): OutboxEvent[] => {
  if (events.length >= EVENTS_PER_COMMIT) {
    throw new Error(`A commit cannot carry ${events.length} events`);
  }
  return events.map(({ detailType, detail }, index) => {
    const sequence = chainSeq * EVENTS_PER_COMMIT + index;
    const meta = { id: `${aggregate}/${sequence}`, aggregate, sequence };
    const facts = eventSchemas[detailType].parse(detail) as Record<string, unknown>;
    return { ...meta, detailType, detail: { ...facts, ...meta } };
  });
};

/** The outbox item of one event, written in the transaction of the change that caused it. */
export const outboxPut = (tableName: string, event: OutboxEvent, now: Date): TransactItem => ({
  Put: {
    TableName: tableName,
    Item: {
      ...keys.outbox(event.aggregate, event.sequence),
      eventId: event.id,
      detailType: event.detailType,
      detail: JSON.stringify(event.detail),
      committedAt: now.toISOString(),
      ttl: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

/** An outbox item as the stream's new image shows it, unmarshalled. */
export const OutboxItem = z.object({
  pk: z.string().startsWith('OUTBOX#'),
  eventId: z.string().min(1),
  detailType: z.string(),
  detail: z.string(),
});
