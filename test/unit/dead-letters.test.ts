import { describe, expect, it } from 'vitest';
import { invocationFailureRecord, readEventDeadLetter, redriveEntryOf } from '#infra/dead-letters';

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'CampaignSliceDue',
  source: 'chorus',
  detail: { campaignId: 'cmp_1', shard: 3 },
};

describe('reading the event dead-letter queue', () => {
  it('reads Lambda’s invocation record as AWS writes it: function, error and the event', () => {
    // The shape AWS documents for an on-failure destination (SQS), trimmed.
    const body = {
      version: '1.0',
      timestamp: '2026-12-01T10:00:00.000Z',
      requestContext: {
        requestId: 'r-1',
        functionArn:
          'arn:aws:lambda:eu-west-1:123456789012:function:Chorus-ShareFanoutFunction-AbC:$LATEST',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: event,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'ConflictError', errorMessage: 'slice moved', trace: [] },
    };
    expect(readEventDeadLetter({ Body: JSON.stringify(body) })).toEqual({
      target: 'Chorus-ShareFanoutFunction-AbC',
      reason: 'ConflictError: slice moved (after 3 attempts)',
      event,
    });
  });

  it('reads an EventBridge rule DLQ message: the event itself, the error in its attributes', () => {
    const letter = readEventDeadLetter({
      Body: JSON.stringify(event),
      MessageAttributes: {
        RULE_ARN: { StringValue: 'arn:aws:events:eu-west-1:123456789012:rule/bus/Rule' },
        TARGET_ARN: { StringValue: 'arn:aws:lambda:eu-west-1:123456789012:function:Fanout' },
        ERROR_CODE: { StringValue: 'RESOURCE_NOT_FOUND' },
        ERROR_MESSAGE: { StringValue: 'Function not found' },
      },
    });
    expect(letter).toEqual({
      target: 'Fanout',
      reason: 'RESOURCE_NOT_FOUND: Function not found',
      event,
    });
  });

  it('writes locally the record it reads, and redrives only our own events', () => {
    const record = invocationFailureRecord({
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:chorus-shareFanout',
      event,
      error: new RangeError('x'.repeat(2000)),
      attempts: 3,
      at: new Date(0),
    });
    const letter = readEventDeadLetter({ Body: JSON.stringify(record) });
    expect(letter.target).toBe('chorus-shareFanout');
    expect(letter.reason.length).toBeLessThan(1100);
    expect(redriveEntryOf(letter, 'chorus', 'bus')).toEqual({
      EventBusName: 'bus',
      Source: 'chorus',
      DetailType: 'CampaignSliceDue',
      Detail: JSON.stringify(event.detail),
    });
    const tick = {
      ...letter,
      event: { ...event, source: 'aws.events', 'detail-type': 'Scheduled Event' },
    };
    expect(redriveEntryOf(tick, 'chorus', 'bus')).toBeUndefined();
    expect(readEventDeadLetter({ Body: 'not json' }).reason).toBe('unreadable message');
  });
});
