import { createNetworkRegistry } from '#shared/networks/registry';
import { createShareStack } from '../fixtures/share-stack';
import { arrangeCampaign } from '../fixtures/sharing';

/** Loaded after the bench has pointed the SDK at the local services. */
export const benchDependencies = (
  table: string,
  queues: { shareQueueUrl: string; shareDeadLetterQueueUrl: string },
) =>
  createShareStack({
    table,
    queueUrl: queues.shareQueueUrl,
    deadLetterUrl: queues.shareDeadLetterQueueUrl,
    networks: createNetworkRegistry(table),
    leaseMs: 60_000,
  });

export const arrange = (deps: ReturnType<typeof benchDependencies>, count: number) =>
  arrangeCampaign(deps.stores, { count });
