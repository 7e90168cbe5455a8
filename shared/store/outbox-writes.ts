import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes } from '#shared/errors';
import { numberEvents, outboxPut } from '#shared/events/outbox';
import type { PendingEvent } from '#shared/events/publisher';
import type { TransactItem } from '#shared/store/transact';

/*
 * The outbox of an aggregate with no audit chain to number its events by (an audit chain numbers
 * them itself: `audit.commit`). Its events are numbered by a counter the aggregate's own item
 * carries, moved by the very conditional write they are committed with: the condition lets one
 * writer through per value, so the numbers only grow, and a retried commit with the same value
 * collides on its outbox items instead of announcing twice. One aggregate, one counter: two
 * counters numbering one aggregate would collide on the outbox items' `attribute_not_exists`.
 */

/** The events of one counted change: the counter's value this write sets. */
export interface CountedEvents {
  /** The stream of the thing that changed: `share#…`, `job#…`, `engagement#…`. */
  aggregate: string;
  /** The item's counter after this write: larger than any the aggregate committed before. */
  counter: number;
  events: readonly PendingEvent[];
}

/**
 * The pure primitive: the outbox items of one counted change, for the transaction that moves
 * the counter (a share's `outcomeVersion`, a fan-out slice's or a preview's `pages`).
 */
export const countedOutboxWrites = (
  tableName: string,
  { aggregate, counter, events }: CountedEvents,
  now: Date = new Date(),
): TransactItem[] =>
  numberEvents(aggregate, counter, events).map((event) => outboxPut(tableName, event, now));

/** DynamoDB refuses one of two transactions touching an item at once; a few goes settle it. */
const MAX_CONFLICTS = 8;

/**
 * Commits `writes` and the outbox items of their events in one transaction. False when a write's
 * condition did not hold, or an outbox item of that counter already exists (another writer
 * committed this value first): either way this change did not happen, and nothing of it was
 * written.
 */
export const commitCounted = async (
  tableName: string,
  writes: readonly TransactItem[],
  counted: CountedEvents,
): Promise<boolean> => {
  const items = [...writes, ...countedOutboxWrites(tableName, counted)];
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return false;
      if (!codes?.includes('TransactionConflict') || attempt >= MAX_CONFLICTS) throw error;
      await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
    }
  }
};

/**
 * The attribute on an aggregate's own item counting the commits that announced something. It is
 * only ever moved by an update (never by a Put that replaces the item), so it only grows.
 */
export const EVENT_VERSION_ATTRIBUTE = 'eventVersion';

/** The change to the aggregate's item, as the parts of one DynamoDB update. */
export interface ItemUpdate {
  Key: Record<string, string>;
  /** `SET` clauses of the change itself; the counter's clause is added here. */
  set: readonly string[];
  remove?: readonly string[];
  /** The change's own condition (what must still hold for it to apply). */
  condition: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface VersionedChange {
  /** The events' aggregate (`job#…`): consumers order and dedupe within it. */
  aggregate: string;
  update: ItemUpdate;
  /** What the change announces, committed with it as outbox items. */
  events: readonly PendingEvent[];
  /** Other writes that stand or fall with the change. */
  writes?: readonly TransactItem[];
}

/** Two commits racing on one item's counter: each attempt lets one through. */
const MAX_RACES = 10;

/**
 * For a change that has no counter in hand (an import job's start and checkpoints, conditioned on
 * other things): the item's `eventVersion` is read just before the commit, moved on by it, and
 * the commit is conditional on it. A commit that lost a race to another reads it again and
 * retries; one whose own condition failed returns false and writes nothing.
 */
export const createVersionedOutbox = (tableName: string) => {
  const versionOf = async (Key: Record<string, string>): Promise<number> => {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key,
        ConsistentRead: true,
        ProjectionExpression: '#version',
        ExpressionAttributeNames: { '#version': EVENT_VERSION_ATTRIBUTE },
      }),
    );
    return Number(Item?.[EVENT_VERSION_ATTRIBUTE] ?? 0);
  };

  return {
    async commit(change: VersionedChange): Promise<boolean> {
      const { update } = change;
      const writes = change.writes ?? [];
      let version = await versionOf(update.Key);
      for (let attempt = 1; ; attempt++) {
        const next = version + 1;
        const remove = update.remove?.length ? ` REMOVE ${update.remove.join(', ')}` : '';
        const counterHolds =
          version === 0
            ? '(attribute_not_exists(#outboxVersion) OR #outboxVersion = :outboxVersion)'
            : '#outboxVersion = :outboxVersion';
        const items: TransactItem[] = [
          {
            Update: {
              TableName: tableName,
              Key: update.Key,
              UpdateExpression: `SET ${[...update.set, '#outboxVersion = :outboxNext'].join(', ')}${remove}`,
              ConditionExpression: `(${update.condition}) AND ${counterHolds}`,
              ExpressionAttributeNames: {
                ...update.names,
                '#outboxVersion': EVENT_VERSION_ATTRIBUTE,
              },
              ExpressionAttributeValues: {
                ...update.values,
                ':outboxVersion': version,
                ':outboxNext': next,
              },
            },
          },
          ...writes,
          ...countedOutboxWrites(tableName, {
            aggregate: change.aggregate,
            counter: next,
            events: change.events,
          }),
        ];
        try {
          await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
          return true;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes || attempt >= MAX_RACES) throw error;
          if (codes.slice(1, 1 + writes.length).includes('ConditionalCheckFailed')) return false;
          const seen = await versionOf(update.Key);
          // The counter held and the item's condition did not: the change no longer applies.
          if (codes[0] === 'ConditionalCheckFailed' && seen === version) return false;
          // Another commit moved the counter (or the transaction met a concurrent one): again.
          version = seen;
        }
      }
    },
  };
};

export type VersionedOutbox = ReturnType<typeof createVersionedOutbox>;
