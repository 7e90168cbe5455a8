import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { keys } from '#shared/store/keys';
import { commitCounted } from '#shared/store/outbox-writes';

/** Pollers of one federated network may finish at once; each go lets one of them through. */
const MAX_ATTEMPTS = 10;

/** The stream of a network's poll runs, for consumers of EngagementUpdated. */
export const engagementAggregate = (network: string): string => `engagement#${network}`;

/**
 * A network's finished poll runs: one item per network, counting them, with the last one's time
 * and reach. A run's EngagementUpdated commits with its count, numbered by it, so the event is
 * there exactly when the run is on record: one write per run, whatever it read.
 */
export const createPollRunStore = (tableName: string) => ({
  async finished(network: string, sharesPolled: number, at: Date): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await dynamo().send(
        new GetCommand({ TableName: tableName, Key: keys.pollRuns(network), ConsistentRead: true }),
      );
      const runs = Number(Item?.runs ?? 0);
      const committed = await commitCounted(
        tableName,
        [
          {
            Put: {
              TableName: tableName,
              Item: {
                ...keys.pollRuns(network),
                network,
                runs: runs + 1,
                lastRunAt: at.toISOString(),
                sharesPolled,
              },
              // Against the count it was read with: of two runs finishing at once, one goes again.
              ...(Item
                ? {
                    ConditionExpression: 'runs = :runs',
                    ExpressionAttributeValues: { ':runs': runs },
                  }
                : { ConditionExpression: 'attribute_not_exists(pk)' }),
            },
          },
        ],
        {
          aggregate: engagementAggregate(network),
          counter: runs + 1,
          events: [event(DETAIL_TYPES.engagementUpdated, { network, sharesPolled })],
        },
      );
      if (committed) return;
      if (attempt >= MAX_ATTEMPTS) {
        throw new Error(`The poll runs of ${network} kept changing: ${attempt} attempts`);
      }
    }
  },
});

export type PollRunStore = ReturnType<typeof createPollRunStore>;
