import { z } from 'zod';

/**
 * What Lambda sends to an on-failure destination when an asynchronous invocation failed every
 * retry (the "invocation record"). The local runtime writes the same record, so the tools and
 * the people reading the queue see one shape locally and in AWS.
 */
const InvocationRecord = z.object({
  requestContext: z.object({
    functionArn: z.string(),
    condition: z.string(),
    approximateInvokeCount: z.number(),
  }),
  requestPayload: z.unknown(),
  responsePayload: z
    .object({ errorType: z.string().optional(), errorMessage: z.string().optional() })
    .nullish(),
});

export const invocationFailureRecord = (options: {
  functionArn: string;
  event: unknown;
  error: unknown;
  attempts: number;
  at: Date;
}) => {
  const error = options.error instanceof Error ? options.error : new Error(String(options.error));
  return {
    version: '1.0',
    timestamp: options.at.toISOString(),
    requestContext: {
      requestId: crypto.randomUUID(),
      functionArn: `${options.functionArn}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: options.attempts,
    },
    requestPayload: options.event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    // Lambda keeps the error's type and message (no stack); so do we, capped like a log line.
    responsePayload: { errorType: error.name, errorMessage: error.message.slice(0, 1000) },
  };
};

export interface EventDeadLetter {
  /** The function (or, for a delivery failure, the rule's target) that could not take it. */
  target: string;
  reason: string;
  /** The event as the bus delivered it: what a redrive puts back. */
  event: unknown;
}

interface Message {
  Body?: string | undefined;
  MessageAttributes?: Record<string, { StringValue?: string | undefined }> | undefined;
}

/**
 * Reads one message of the event dead-letter queue, whichever wrote it: Lambda's invocation
 * record (the handler failed every retry), or EventBridge's rule DLQ (the event could not be
 * delivered), which sends the event itself with the error in message attributes.
 */
export const readEventDeadLetter = (message: Message): EventDeadLetter => {
  let body: unknown;
  try {
    body = JSON.parse(message.Body ?? '');
  } catch {
    return { target: 'unknown', reason: 'unreadable message', event: message.Body };
  }
  const record = InvocationRecord.safeParse(body);
  if (record.success) {
    const { requestContext, responsePayload, requestPayload } = record.data;
    const error = responsePayload
      ? `${responsePayload.errorType ?? 'Error'}: ${responsePayload.errorMessage ?? ''}`
      : requestContext.condition;
    return {
      target: functionNameOf(requestContext.functionArn),
      reason: `${error} (after ${requestContext.approximateInvokeCount} attempts)`,
      event: requestPayload,
    };
  }
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  return {
    target: functionNameOf(attribute('TARGET_ARN') ?? attribute('RULE_ARN') ?? 'unknown'),
    reason: `${attribute('ERROR_CODE') ?? 'not delivered'}: ${attribute('ERROR_MESSAGE') ?? ''}`,
    event: body,
  };
};

/** `arn:aws:lambda:region:account:function:name[:qualifier]` → name. */
const functionNameOf = (arn: string) => arn.match(/:function:([^:]+)/)?.[1] ?? arn;

const BusEvent = z.object({
  source: z.string(),
  'detail-type': z.string(),
  detail: z.unknown(),
});

/**
 * The entry that puts a dead-lettered event back on the bus, or undefined for one that should not
 * go back: a schedule's tick (the next tick has done its work since) or a foreign event.
 */
export const redriveEntryOf = (letter: EventDeadLetter, source: string, busName: string) => {
  const event = BusEvent.safeParse(letter.event);
  if (!event.success || event.data.source !== source) return undefined;
  return {
    EventBusName: busName,
    Source: event.data.source,
    DetailType: event.data['detail-type'],
    Detail: JSON.stringify(event.data.detail),
  };
};
