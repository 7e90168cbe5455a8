import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TableAccess } from '#infra/declaration';
import { enforceTableAccess, withTableAccess } from '#infra/local/table-access';
import { dynamo } from '#shared/aws';
import { keys } from '#shared/store/keys';
import { TABLE } from './setup';

const linksOnly: TableAccess = { access: 'readWrite', partitions: ['trackedLink'], indexes: [] };
const asRedirect = <T>(run: () => Promise<T>) => withTableAccess('clickRedirect', linksOnly, run);

beforeAll(() => enforceTableAccess());

describe('the local runtime holds each function to its declared share of the table, as IAM does', () => {
  it('lets a function touch its own item families', async () => {
    await asRedirect(() =>
      dynamo().send(
        new PutCommand({ TableName: TABLE, Item: { ...keys.trackedLink('abc'), clicks: 0 } }),
      ),
    );
    const { Item } = await asRedirect(() =>
      dynamo().send(new GetCommand({ TableName: TABLE, Key: keys.trackedLink('abc') })),
    );
    expect(Item?.clicks).toBe(0);
  });

  it('refuses every other family, in single calls, queries and transactions alike', async () => {
    const attempts = [
      new GetCommand({ TableName: TABLE, Key: keys.auditEntry('post#x', 1) }),
      new PutCommand({ TableName: TABLE, Item: { ...keys.idempotency('u', 'r', 'k') } }),
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.connection('e1', 'x').pk },
      }),
      new QueryCommand({
        TableName: TABLE,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'CAMPAIGNS_DUE' },
      }),
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: { ...keys.trackedLink('def') } } },
          { Put: { TableName: TABLE, Item: { ...keys.post('p1') } } },
        ],
      }),
    ];
    for (const command of attempts) {
      await expect(asRedirect(() => dynamo().send(command as never))).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
    }
    // The refused transaction wrote nothing, not even its allowed half.
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: TABLE, Key: keys.trackedLink('def') }),
    );
    expect(Item).toBeUndefined();
  });

  it('refuses writes to a function that may only read', async () => {
    const readOnly: TableAccess = { ...linksOnly, access: 'read' };
    await expect(
      withTableAccess('reader', readOnly, () =>
        dynamo().send(new PutCommand({ TableName: TABLE, Item: { ...keys.trackedLink('x') } })),
      ),
    ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
