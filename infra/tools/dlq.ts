import { parseArgs } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { bus } from '#infra/declaration';
import { findRunningRuntime } from '#infra/local/runtime-client';
import {
  listEventDeadLetters,
  listShareDeadLetters,
  redriveEvents,
  redriveShareJobs,
} from '#infra/tools/dead-letter-queue';

/**
 * `npm run dlq -- list` shows the share jobs parked in the share dead-letter queue, each with
 * the reason when the worker gave one; `npm run dlq -- redrive` moves them back onto the share
 * queue (the worker takes each share from where it stopped, never posting twice).
 * `--events` does the same for the event dead-letter queue: events whose function failed every
 * retry (or that could not be delivered), each with its function and error; redrive puts them
 * back on the bus. Against the local runtime by default; against AWS with
 * `--queue <url> --dlq <url>` (share jobs) or `--events --dlq <url> --bus <name>`.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'boolean', default: false },
    queue: { type: 'string' },
    dlq: { type: 'string' },
    bus: { type: 'string' },
    data: { type: 'string', default: process.env.CHORUS_DATA_DIR ?? '.chorus' },
  },
});
const command = positionals[0] ?? 'list';
if (command !== 'list' && command !== 'redrive') {
  console.error(
    'usage: npm run dlq -- list|redrive [--queue <url> --dlq <url>] | [--events [--dlq <url> --bus <name>]]',
  );
  process.exit(2);
}

let { queue, dlq, bus: busName } = values;
let sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
let eventBridge = new EventBridgeClient({});
const inAws = values.events ? dlq && busName : queue && dlq;
if (!inAws) {
  const runtime = await findRunningRuntime(values.data);
  const local = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  queue = runtime.shareQueueUrl;
  dlq = values.events ? runtime.eventDeadLetterQueueUrl : runtime.shareDeadLetterQueueUrl;
  busName = runtime.busName;
  if (!dlq || (values.events && (!busName || !runtime.eventBusEndpoint))) {
    console.error('chorus: this runtime predates the event DLQ tools; restart `npm start`.');
    process.exit(1);
  }
  sqs = new SQSClient({ ...local, endpoint: runtime.sqsEndpoint, useQueueUrlAsEndpoint: false });
  eventBridge = new EventBridgeClient({ ...local, endpoint: runtime.eventBusEndpoint });
}
const dlqUrl = dlq as string;

if (values.events) {
  if (command === 'list') {
    const letters = await listEventDeadLetters(sqs, dlqUrl);
    for (const l of letters)
      console.log(`${l.id}\t${l.target}\t${l.reason}\t${JSON.stringify(l.event)}`);
    console.log(`${letters.length} event(s) in the event dead-letter queue`);
  } else {
    const moved = await redriveEvents(sqs, dlqUrl, {
      client: eventBridge,
      name: busName as string,
      source: bus.source,
    });
    console.log(
      `${moved.redriven} event(s) put back on the bus; ${moved.dropped} schedule tick(s) dropped`,
    );
  }
} else if (command === 'list') {
  const letters = await listShareDeadLetters(sqs, dlqUrl);
  for (const l of letters) console.log(`${l.id}\t${l.reason}\t${l.body}`);
  console.log(`${letters.length} job(s) in the dead-letter queue`);
} else {
  const moved = await redriveShareJobs(sqs, dlqUrl, queue as string);
  console.log(`${moved} job(s) moved back to the share queue`);
}
