import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes } from '#shared/errors';
import type { PendingEvent } from '#shared/events/publisher';
import { countedOutboxWrites } from '#shared/store/counted-outbox';
import type { TransactItem } from '#shared/store/transact';

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
const MAX_ATTEMPTS = 10;

/**
 * The outbox for an aggregate with no audit chain whose item is only ever updated (an import
 * job): its events are
 * numbered by a counter its own item carries, moved on in the same transaction as the change and
 * the events, so they are one commit and a later commit's events always sort after an earlier
 * one's. (An aggregate with an audit chain numbers them by the chain instead: `audit.commit`; one
 * whose writer already holds a conditional counter, such as a fan-out slice's pages, uses
 * `countedOutboxWrites` directly. One aggregate uses one of the three, never two.)
 *
 * The counter is read just before the commit and the commit is conditional on it: a commit that
 * lost a race to another reads it again and retries; one whose own condition failed returns
 * false and writes nothing.
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
          ...countedOutboxWrites(tableName, change.aggregate, next, change.events, new Date()),
        ];
        try {
          await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
          return true;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes || attempt >= MAX_ATTEMPTS) throw error;
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
