import { parseArgs } from 'node:util';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { findRunningRuntime } from '#infra/local/runtime-client';

/**
 * `npm run dlq -- list` shows the share jobs parked in the dead-letter queue, each with the
 * reason when the worker gave one; `npm run dlq -- redrive` moves them back onto the share queue
 * (the worker takes each share from where it stopped, never posting twice). Against the local
 * runtime by default; against AWS with `--queue <url> --dlq <url>`.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    queue: { type: 'string' },
    dlq: { type: 'string' },
    data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' },
  },
});
const command = positionals[0] ?? 'list';
if (command !== 'list' && command !== 'redrive') {
  console.error('usage: npm run dlq -- list|redrive [--queue <url> --dlq <url>]');
  process.exit(2);
}

let { queue, dlq } = values;
let sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
if (!queue || !dlq) {
  const runtime = await findRunningRuntime(values.data);
  queue = runtime.shareQueueUrl;
  dlq = runtime.shareDeadLetterQueueUrl;
  sqs = new SQSClient({
    endpoint: runtime.sqsEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
}

let count = 0;
for (;;) {
  // Listing hides each message for a few seconds only; redriving deletes what it re-sent.
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: dlq,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: command === 'list' ? 5 : 60,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
    }),
  );
  if (Messages.length === 0) break;
  for (const message of Messages) {
    const reason = message.MessageAttributes?.reason?.StringValue ?? 'failed too many receives';
    console.log(`${message.MessageId}\t${reason}\t${message.Body}`);
  }
  count += Messages.length;
  if (command === 'redrive') {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queue,
        Entries: Messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '' })),
      }),
    );
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlq,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  } else if (count >= 1000) break;
}
console.log(
  command === 'redrive'
    ? `${count} job(s) moved back to the share queue`
    : `${count} job(s) in the dead-letter queue`,
);
