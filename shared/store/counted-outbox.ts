import { numberEvents, outboxPut } from '#shared/events/outbox';
import type { PendingEvent } from '#shared/events/publisher';
import type { TransactItem } from '#shared/store/transact';

/**
 * The outbox items of a write that has no audit chain to number its events by: the item written
 * carries a counter of its own that moves on with every write (a fan-out slice's `pages`), and
 * the events of the write that sets it to `counter` are numbered from it. The write's condition on
 * the counter lets one writer per value through, so no two commits share a sequence, and a retried
 * commit with the same counter collides on its outbox items instead of announcing twice.
 */
export const countedOutboxWrites = (
  tableName: string,
  aggregate: string,
  counter: number,
  events: readonly PendingEvent[],
  now: Date,
): TransactItem[] =>
  numberEvents(aggregate, counter, events).map((e) => outboxPut(tableName, e, now));
