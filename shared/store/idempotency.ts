import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ConflictError, isConditionalCheckFailure, UnprocessableError } from '#shared/errors';
import { keys } from '#shared/store/keys';

/** A client retrying within a day gets the first answer back; after that the key is free. */
const KEEP_SECONDS = 24 * 3600;

export interface StoredResponse {
  statusCode: number;
  body: string;
}

export interface IdempotencyScope {
  userId: string;
  route: string;
  key: string;
  /** Hash of the request, so reusing a key for a different request is refused, not replayed. */
  requestHash: string;
}

/**
 * Idempotency-Key support for creating requests. `begin` claims the key or returns the answer
 * already given for it; `complete` stores the answer; `abandon` frees a key whose request failed,
 * so the client's retry runs again.
 */
export const createIdempotencyStore = (tableName: string) => ({
  async begin(scope: IdempotencyScope, now: Date): Promise<StoredResponse | undefined> {
    const key = keys.idempotency(scope.userId, scope.route, scope.key);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...key,
            requestHash: scope.requestHash,
            state: 'in_progress',
            ttl: nowSeconds + KEEP_SECONDS,
          },
          // An expired record DynamoDB has not deleted yet no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return undefined;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) throw new ConflictError('That Idempotency-Key is being released; retry');
    if (Item.requestHash !== scope.requestHash) {
      throw new UnprocessableError(
        'This Idempotency-Key was already used for a different request; use a new key',
      );
    }
    if (Item.state !== 'done') {
      throw new ConflictError('A request with this Idempotency-Key is still being processed');
    }
    return { statusCode: Number(Item.statusCode), body: String(Item.body) };
  },

  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.idempotency(scope.userId, scope.route, scope.key),
        UpdateExpression: 'SET #state = :done, statusCode = :status, body = :body',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':status': response.statusCode,
          ':body': response.body,
        },
      }),
    );
  },

  async abandon(scope: IdempotencyScope): Promise<void> {
    await dynamo().send(
      new DeleteCommand({
        TableName: tableName,
        Key: keys.idempotency(scope.userId, scope.route, scope.key),
      }),
    );
  },
});

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
