import { z } from 'zod';

/**
 * What an EventBridge schedule delivers. Its `time` is the moment the schedule fired, and the
 * scheduled stages take it as "now": a replayed event, or the local runtime's fast-forwarded
 * clock, then means the same thing as in production.
 */
export const ScheduledEvent = z.object({
  'detail-type': z.literal('Scheduled Event'),
  source: z.literal('aws.events'),
  time: z.iso.datetime(),
});

export const scheduledTimeOf = (event: unknown): Date => new Date(ScheduledEvent.parse(event).time);
