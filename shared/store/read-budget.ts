import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import {
  MAX_READ_BLOCK_SECONDS,
  type ReadBudget,
  windowStart,
} from '#shared/engagement/read-budget';
import { conditionalWrite } from '#shared/store/conditional';
import { keys } from '#shared/store/keys';

/** The latest end a block recorded at `now` can have; anything later predates the cap. */
const ceilingAt = (now: Date) => new Date(now.getTime() + MAX_READ_BLOCK_SECONDS * 1000);

/**
 * A read scope's budget (a network, or one server of a federated network: readScope) as items
 * every poller sees: a call counter per fixed window, taken one call at a time with a conditional
 * ADD, and the time until which the network asked us to wait.
 */
export const createReadBudgetStore = (tableName: string) => ({
  /** Until when the scope said to stop (its 429 and reset header); undefined: go ahead. */
  async blockedUntil(scope: string, now: Date): Promise<Date | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.readBlock(scope), ConsistentRead: true }),
    );
    const until = typeof Item?.until === 'string' ? new Date(Item.until) : undefined;
    // A block beyond the cap was recorded before there was one (`until` 2099): it is void.
    return until && until > now && until <= ceilingAt(now) ? until : undefined;
  },

  /** Records a 429 heard at `now`, `until` already capped: the latest reset any poller heard wins. */
  async block(scope: string, until: Date, now: Date): Promise<void> {
    // Refused when a later reset is already recorded: that one stands, unless it is beyond the
    // cap (written before there was one), which this block replaces.
    await conditionalWrite(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.readBlock(scope),
        UpdateExpression: 'SET #until = :until, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#until) OR #until < :until OR #until > :ceiling',
        ExpressionAttributeNames: { '#until': 'until', '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':until': until.toISOString(),
          ':ceiling': ceilingAt(now).toISOString(),
          ':ttl': Math.floor(until.getTime() / 1000) + 86_400,
        },
      }),
    );
  },

  /**
   * One poller per scope at a time: a second one would read the same due shares and pay for
   * the same calls. The lease ends on release, or by itself if its holder died.
   */
  async lease(network: string, owner: string, now: Date, ms: number): Promise<boolean> {
    return conditionalWrite(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.readLease(network),
        UpdateExpression: 'SET #owner = :owner, #until = :until',
        ConditionExpression: 'attribute_not_exists(#until) OR #until <= :now OR #owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner', '#until': 'until' },
        ExpressionAttributeValues: {
          ':owner': owner,
          ':until': new Date(now.getTime() + ms).toISOString(),
          ':now': now.toISOString(),
        },
      }),
    );
  },

  async release(network: string, owner: string): Promise<void> {
    // Refused when the lease already passed to another poller: theirs is not ours to end.
    await conditionalWrite(
      new DeleteCommand({
        TableName: tableName,
        Key: keys.readLease(network),
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  },

  /** Takes one call from the window `now` falls in; false when the window is spent. */
  async take(network: string, now: Date, budget: ReadBudget): Promise<boolean> {
    if (budget.calls <= 0) return false;
    const start = windowStart(now, budget);
    return conditionalWrite(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.readWindow(network, start.toISOString()),
        UpdateExpression: 'ADD calls :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(calls) OR calls < :limit',
        ExpressionAttributeNames: { '#ttl': 'ttl' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':limit': budget.calls,
          ':ttl': Math.floor(start.getTime() / 1000) + budget.windowSeconds + 86_400,
        },
      }),
    );
  },
});

export type ReadBudgetStore = ReturnType<typeof createReadBudgetStore>;
