import { setTimeout as sleep } from 'node:timers/promises';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { cancellationCodes } from '#shared/errors';
import { numberEvents, outboxPut } from '#shared/events/outbox';
import type { PendingEvent } from '#shared/events/publisher';
import type { TransactItem } from '#shared/store/transact';

/**
 * The outbox of an item that keeps no audit chain of its own (a share, a network's poll runs):
 * its events are numbered by a version the item itself carries, set by the very write they are
 * committed with. That write's condition lets one writer through per version, so the numbers
 * only grow per aggregate, at the cost of the outbox items alone: no audit entry is written just
 * to number events (shares are many, and each one's cost counts).
 */
export interface VersionedEvents {
  /** The stream of the thing that changed: `share#…`, `engagement#…`. */
  aggregate: string;
  /** The item's version after this write: larger than any the aggregate committed before. */
  version: number;
  events: readonly PendingEvent[];
}

/** The outbox items of one versioned change, for the transaction that makes the change. */
export const versionedOutbox = (
  tableName: string,
  { aggregate, version, events }: VersionedEvents,
  now: Date = new Date(),
): TransactItem[] =>
  numberEvents(aggregate, version, events).map((event) => outboxPut(tableName, event, now));

/** DynamoDB refuses one of two transactions touching an item at once; a few goes settle it. */
const MAX_ATTEMPTS = 8;

/**
 * Commits `writes` and the outbox items of their events in one transaction. False when a write's
 * condition did not hold, or an outbox item of that version already exists (another writer
 * committed this version first): either way this change did not happen, and nothing of it was
 * written.
 */
export const commitVersioned = async (
  tableName: string,
  writes: readonly TransactItem[],
  versioned: VersionedEvents,
): Promise<boolean> => {
  const items = [...writes, ...versionedOutbox(tableName, versioned)];
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      const codes = cancellationCodes(error);
      if (codes?.includes('ConditionalCheckFailed')) return false;
      if (!codes?.includes('TransactionConflict') || attempt >= MAX_ATTEMPTS) throw error;
      await sleep(10 * 2 ** attempt * (0.5 + Math.random()));
    }
  }
};
