import { setTimeout as sleep } from 'node:timers/promises';
import {
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { type AuditEntry, type AuditRecord, chainEntries } from '#shared/audit/chain';
import { dynamo } from '#shared/aws';
import { ConflictError, cancellationCodes, ValidationError } from '#shared/errors';
import { numberEvents, outboxPut } from '#shared/events/outbox';
import type { PendingEvent } from '#shared/events/publisher';
import { keys, withoutKeys } from '#shared/store/keys';
import { queryPages } from '#shared/store/query-pages';
import type { TransactItem } from '#shared/store/transact';

export interface AuditedWrite {
  stream: string;
  records: readonly AuditRecord[];
  /** State changes that must happen together with the entries, or not at all. */
  writes?: readonly TransactItem[];
  /** What the caller is told when one of `writes` finds its condition false. */
  conflict?: string;
  /**
   * Set when the same step may run twice (a redelivered job, a replayed event): the second run
   * records nothing.
   */
  dedupeKey?: string;
  /**
   * The events the change causes, written as outbox items in the same transaction: the relay
   * puts them on the bus from the table's stream, so a crash after the commit loses none.
   */
  events?: readonly PendingEvent[];
}

/** Enough for a few dozen writers racing on one stream; each attempt lets exactly one through. */
const MAX_ATTEMPTS = 15;

const indexKeys = (entry: AuditEntry) => {
  const sortKey = `${entry.at}#${entry.stream}#${String(entry.seq).padStart(12, '0')}`;
  return {
    ...(entry.subject.postId
      ? { gsi1pk: keys.auditByPost(entry.subject.postId), gsi1sk: sortKey }
      : {}),
    gsi2pk: keys.auditByActor(entry.actor),
    gsi2sk: sortKey,
    gsi3pk: keys.auditByDay(entry.at.slice(0, 10)),
    gsi3sk: sortKey,
  };
};

export interface AuditQuery {
  postId?: string | undefined;
  /** `null`: someone with no steps on the record (an email nobody signed in with). */
  actor?: string | null | undefined;
  from: string;
  to: string;
  limit: number;
  cursor?: string | undefined;
}

const encodeCursor = (value: AuditCursor) =>
  Buffer.from(JSON.stringify(value)).toString('base64url');

/** What a cursor holds: the partition reached and DynamoDB's key within it, text only. */
const AuditCursor = z.strictObject({
  day: z.number().int().min(0),
  key: z.record(z.string(), z.string()).optional(),
});
type AuditCursor = z.infer<typeof AuditCursor>;

const foreignCursor = () =>
  new ValidationError('That cursor did not come from this API', [
    { field: 'query.cursor', message: 'not a cursor this API returned' },
  ]);

const decodeCursor = (cursor: string): AuditCursor => {
  try {
    const parsed = AuditCursor.safeParse(
      JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')),
    );
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the same answer as a well-formed but foreign cursor.
  }
  throw foreignCursor();
};

/**
 * A cursor is read back from the client, so it is checked against the query it claims to
 * continue before DynamoDB sees it: a partition of this query, and exactly the key DynamoDB would
 * have returned there (table and index keys, in this partition, within the range). Anything else
 * is refused as foreign, never handed to DynamoDB to fail with a 500.
 */
const checkedStart = (
  cursor: AuditCursor,
  partitions: readonly { pk: string; value: string }[],
  range: { from: string; to: string },
): AuditCursor => {
  const partition = partitions[cursor.day];
  if (!partition) throw foreignCursor();
  if (!cursor.key) return cursor;
  const sortKey = partition.pk.replace('pk', 'sk');
  const names = Object.keys(cursor.key).sort();
  const expected = ['pk', 'sk', partition.pk, sortKey].sort();
  const position = cursor.key[sortKey] ?? '';
  if (
    names.join() !== expected.join() ||
    cursor.key[partition.pk] !== partition.value ||
    position < range.from ||
    position > range.to
  ) {
    throw foreignCursor();
  }
  return cursor;
};

const daysBetween = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let at = new Date(from.slice(0, 10)); at.toISOString() <= to; ) {
    days.push(at.toISOString().slice(0, 10));
    at = new Date(at.getTime() + 86_400_000);
  }
  return days;
};

export const createAuditStore = (tableName: string) => {
  const tail = async (stream: string): Promise<AuditEntry | undefined> => {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditStream(stream) },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items[0] ? (withoutKeys(Items[0]) as AuditEntry) : undefined;
  };

  return {
    /**
     * Appends records to a stream's chain in the same transaction as the state they describe.
     * Two writers racing on one stream both read the same tail; the loser's entry condition
     * fails and it re-reads the tail and tries again. Returns the entries written (none when the
     * dedupe key was already used).
     */
    async commit(write: AuditedWrite): Promise<AuditEntry[]> {
      const writes = write.writes ?? [];
      for (let attempt = 1; ; attempt++) {
        const entries = chainEntries(write.stream, await tail(write.stream), write.records);
        const chainSeq = entries.at(-1)?.seq;
        if (write.events?.length && chainSeq === undefined) {
          throw new Error('Events need an audit record to be numbered by');
        }
        const outbox = numberEvents(write.stream, chainSeq ?? 0, write.events ?? []).map((e) =>
          outboxPut(tableName, e, new Date()),
        );
        const items: TransactItem[] = [
          ...writes,
          ...entries.map((entry) => ({
            Put: {
              TableName: tableName,
              Item: { ...keys.auditEntry(entry.stream, entry.seq), ...entry, ...indexKeys(entry) },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
          ...outbox,
          ...(write.dedupeKey
            ? [
                {
                  Put: {
                    TableName: tableName,
                    Item: { ...keys.auditDedupe(write.dedupeKey), stream: write.stream },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ]
            : []),
        ];
        try {
          await dynamo().send(new TransactWriteCommand({ TransactItems: items }));
          return entries;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes) throw error;
          const failed = (i: number) => codes[i] === 'ConditionalCheckFailed';
          if (writes.some((_, i) => failed(i))) {
            throw new ConflictError(write.conflict ?? 'The record changed meanwhile; retry');
          }
          if (write.dedupeKey && failed(items.length - 1)) return [];
          // An outbox item is keyed by the chain's seq, so it collides exactly when its entry does.
          const raced = [...entries, ...outbox].some((_, i) => failed(writes.length + i));
          const retryable = raced || codes.includes('TransactionConflict');
          if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
          await sleep(Math.random() * Math.min(1000, 10 * 2 ** attempt));
        }
      }
    },

    /** Entries matching the filters, in time order, a page at a time. */
    async list(query: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }> {
      const range = { ':from': query.from, ':to': `${query.to}\uffff` };
      const filters: string[] = [];
      const values: Record<string, unknown> = { ...range };
      let partitions: { index: string; pk: string; value: string }[];
      if (query.actor === null) {
        // Nothing to read; a cursor, which can only be forged here, is still refused below.
        partitions = [];
      } else if (query.postId) {
        partitions = [{ index: 'gsi1', pk: 'gsi1pk', value: keys.auditByPost(query.postId) }];
        if (query.actor) {
          filters.push('actor = :actor');
          values[':actor'] = query.actor;
        }
      } else if (query.actor) {
        partitions = [{ index: 'gsi2', pk: 'gsi2pk', value: keys.auditByActor(query.actor) }];
      } else {
        partitions = daysBetween(query.from, query.to).map((day) => ({
          index: 'gsi3',
          pk: 'gsi3pk',
          value: keys.auditByDay(day),
        }));
      }
      const start = query.cursor
        ? checkedStart(decodeCursor(query.cursor), partitions, {
            from: query.from,
            to: range[':to'],
          })
        : { day: 0 };
      const entries: AuditEntry[] = [];
      let key = start.key;
      for (let p = start.day; p < partitions.length; p++) {
        const partition = partitions[p] as (typeof partitions)[number];
        const sortKey = partition.pk.replace('pk', 'sk');
        do {
          const input: QueryCommandInput = {
            TableName: tableName,
            IndexName: partition.index,
            KeyConditionExpression: `${partition.pk} = :pk AND ${sortKey} BETWEEN :from AND :to`,
            ExpressionAttributeValues: { ...values, ':pk': partition.value },
            ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
            Limit: query.limit - entries.length,
            ExclusiveStartKey: key,
          };
          const page = await dynamo().send(new QueryCommand(input));
          entries.push(...(page.Items ?? []).map((item) => withoutKeys(item) as AuditEntry));
          key = page.LastEvaluatedKey;
          if (entries.length >= query.limit) {
            const next = key ? { day: p, key } : p + 1 < partitions.length ? { day: p + 1 } : null;
            return { entries, ...(next ? { cursor: encodeCursor(next) } : {}) };
          }
        } while (key);
      }
      return { entries };
    },

    /** Every stream name, for verification: a full scan of keys only. */
    async streams(): Promise<string[]> {
      const streams = new Set<string>();
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynamo().send(
          new ScanCommand({
            TableName: tableName,
            ProjectionExpression: 'pk',
            FilterExpression: 'begins_with(pk, :audit)',
            ExpressionAttributeValues: { ':audit': keys.auditStreamPrefix },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          streams.add(String(item.pk).slice(keys.auditStreamPrefix.length));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return [...streams].sort();
    },

    /** A stream's entries as stored, oldest first; not validated, so tampering stays visible. */
    async *entriesOf(stream: string): AsyncGenerator<AuditEntry[]> {
      for await (const items of queryPages({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.auditStream(stream) },
        ConsistentRead: true,
      })) {
        yield items.map((item) => withoutKeys(item) as AuditEntry);
      }
    },
  };
};

export type AuditStore = ReturnType<typeof createAuditStore>;
