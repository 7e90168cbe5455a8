import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { ShareJob } from '#shared/shares/share';

/** A share queue and dead-letter queue of this test file's own, so files never take each other's jobs. */
export const createTestQueues = async (
  name: string,
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
) => {
  const client = new SQSClient({ useQueueUrlAsEndpoint: false });
  const suffix = `${name}-${Math.random().toString(36).slice(2, 8)}`;
  const { QueueUrl: deadLetterUrl } = await client.send(
    new CreateQueueCommand({ QueueName: `dlq-${suffix}` }),
  );
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
  );
  const { QueueUrl: queueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: `share-${suffix}`,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? 10,
        }),
      },
    }),
  );
  const { Attributes: queueAttributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return {
    client,
    queueUrl: queueUrl as string,
    queueArn: queueAttributes?.QueueArn as string,
    deadLetterUrl: deadLetterUrl as string,
  };
};

/** Takes every visible message off a queue. */
export const drainJobs = async (client: SQSClient, queueUrl: string): Promise<ShareJob[]> => {
  const jobs: ShareJob[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      }),
    );
    if (Messages.length === 0) return jobs;
    jobs.push(...Messages.map((m) => ShareJob.parse(JSON.parse(m.Body ?? ''))));
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
};
