import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ConflictError, isConditionalCheckFailure, UnprocessableError } from '#shared/errors';
import { keys } from '#shared/store/keys';
import type { TransactItem } from '#shared/store/transact';

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

const DONE = {
  UpdateExpression: 'SET #state = :done, statusCode = :status, body = :body',
  ExpressionAttributeNames: { '#state': 'state' },
};

/**
 * Idempotency-Key support for creating requests. `begin` claims the key or returns the answer
 * already given for it; `completion` is the write that stores the answer inside the effect's own
 * transaction, so an effect never stands without its answer; `abandon` frees a key whose request
 * failed before any effect, so the client's retry runs again.
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

  /** For routes whose effect is no single transaction: the answer stored after it. */
  async complete(scope: IdempotencyScope, response: StoredResponse): Promise<void> {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.idempotency(scope.userId, scope.route, scope.key),
        ...DONE,
        ExpressionAttributeValues: {
          ':done': 'done',
          ':status': response.statusCode,
          ':body': response.body,
        },
      }),
    );
  },

  /**
   * The answer, as one write of the effect's transaction. Conditional on this request's claim,
   * so the effect cannot commit for a key another request holds.
   */
  completion(scope: IdempotencyScope, response: StoredResponse): TransactItem {
    return {
      Update: {
        TableName: tableName,
        Key: keys.idempotency(scope.userId, scope.route, scope.key),
        ...DONE,
        ConditionExpression: '#state = :claimed AND requestHash = :hash',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':done': 'done',
          ':status': response.statusCode,
          ':body': response.body,
          ':claimed': 'in_progress',
          ':hash': scope.requestHash,
        },
      },
    };
  },

  /**
   * Frees the key of a request that failed, unless its answer was committed: a failure after the
   * commit (a lost reply, a crash) must leave the answer for the retry to replay.
   */
  async abandon(scope: IdempotencyScope): Promise<void> {
    try {
      await dynamo().send(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.idempotency(scope.userId, scope.route, scope.key),
          ConditionExpression: '#state = :claimed',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':claimed': 'in_progress' },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw error;
    }
  },
});

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
