import type { PutEventsRequestEntry, PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { relayOutbox } from '#functions/outbox-relay/relay';

/** An outbox insert as the stream's new image carries it; `detailType` may be made invalid. */
const record = (n: number, detailType = 'PostSubmitted'): DynamoDBRecord => {
  const meta = { id: `post#p${n}/${n * 100}`, aggregate: `post#p${n}`, sequence: n * 100 };
  const detail = {
    postId: `p${n}`,
    version: 1,
    from: 'draft',
    to: 'submitted',
    actor: 'u',
    ...meta,
  };
  return {
    eventName: 'INSERT',
    dynamodb: {
      SequenceNumber: String(1000 + n),
      NewImage: {
        pk: { S: `OUTBOX#post#p${n}#${n}` },
        eventId: { S: meta.id },
        detailType: { S: detailType },
        detail: { S: JSON.stringify(detail) },
      },
    },
  } as DynamoDBRecord;
};

const ids = (entries: readonly PutEventsRequestEntry[]) =>
  entries.map((e) => JSON.parse(String(e.Detail)).id as string);

/** A bus that accepts every entry unless `refuse` names its index in the call. */
const bus = (refuse: (index: number) => boolean = () => false) => {
  const delivered: string[] = [];
  const put = async (entries: readonly PutEventsRequestEntry[]) =>
    entries.map((entry, index): PutEventsResultEntry => {
      if (refuse(index)) return { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' };
      delivered.push(...ids([entry]));
      return { EventId: `e-${index}` };
    });
  return { delivered, put };
};

describe('outbox relay: partial batch failures', () => {
  it('puts the valid events before an invalid record, then reports the invalid one as the first failure', async () => {
    const records = [record(1), record(2), record(3, 'NoSuchEvent'), record(4)];
    const { delivered, put } = bus();
    const result = await relayOutbox(records, { busName: 'b', put });
    // The event source checkpoints everything before the reported record: those must be on the bus.
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1003' }]);
    expect(delivered).toEqual(['post#p1/100', 'post#p2/200']);
  });

  it('reports the first entry PutEvents refused (FailedEntryCount > 0), so nothing before it is sent again', async () => {
    const records = Array.from({ length: 14 }, (_, i) => record(i + 1));
    const { delivered, put } = bus((index) => index === 3);
    const result = await relayOutbox(records, { busName: 'b', put });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1004' }]);
    // Entries after the refused one in the same call may have arrived (at least once); no later call is made.
    const firstCall = [1, 2, 3, 5, 6, 7, 8, 9, 10].map((n) => `post#p${n}/${n * 100}`);
    expect(delivered).toEqual(firstCall);
  });

  it('counts an entry PutEvents gave no result for as not delivered', async () => {
    const records = [record(1), record(2), record(3)];
    const result = await relayOutbox(records, {
      busName: 'b',
      put: async () => [{ EventId: 'e-0' }],
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1002' }]);
  });

  it('reports the first record of the call when PutEvents throws', async () => {
    const records = Array.from({ length: 12 }, (_, i) => record(i + 1));
    let calls = 0;
    const result = await relayOutbox(records, {
      busName: 'b',
      put: async (entries) => {
        calls += 1;
        if (calls === 2)
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        return entries.map(() => ({ EventId: 'x' }));
      },
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: '1011' }]);
  });

  it('passes over what is not an outbox insert and answers an empty failure list', async () => {
    const other = { ...record(1), eventName: 'REMOVE' } as DynamoDBRecord;
    const { delivered, put } = bus();
    expect(await relayOutbox([other, record(2)], { busName: 'b', put })).toEqual({
      batchItemFailures: [],
    });
    expect(delivered).toEqual(['post#p2/200']);
  });
});
