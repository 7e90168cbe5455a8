import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridge } from '#shared/aws';
import {
  type DetailType,
  EVENT_SOURCE,
  type EventDetail,
  eventSchemas,
} from '#shared/events/catalogue';

export interface PendingEvent<T extends DetailType = DetailType> {
  detailType: T;
  detail: EventDetail<T>;
}

export const event = <T extends DetailType>(
  detailType: T,
  detail: EventDetail<T>,
): PendingEvent<T> => ({
  detailType,
  detail,
});

const PUT_EVENTS_MAX_ENTRIES = 10;

/**
 * Puts events on the bus after validating each against the catalogue. PutEvents answers 200 even
 * when entries fail, so the failed count is checked and turned into an error that lets the
 * caller's retry (Lambda, SQS) happen instead of losing the event.
 */
export const publishEvents = async (
  busName: string,
  events: readonly PendingEvent[],
): Promise<void> => {
  for (let start = 0; start < events.length; start += PUT_EVENTS_MAX_ENTRIES) {
    const chunk = events.slice(start, start + PUT_EVENTS_MAX_ENTRIES);
    const result = await eventBridge().send(
      new PutEventsCommand({
        Entries: chunk.map(({ detailType, detail }) => ({
          EventBusName: busName,
          Source: EVENT_SOURCE,
          DetailType: detailType,
          Detail: JSON.stringify(eventSchemas[detailType].parse(detail)),
        })),
      }),
    );
    if ((result.FailedEntryCount ?? 0) > 0) {
      const reasons = (result.Entries ?? [])
        .filter((entry) => entry.ErrorCode)
        .map((entry) => `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}`);
      throw new Error(
        `EventBridge refused ${result.FailedEntryCount} event(s): ${reasons.join('; ')}`,
      );
    }
  }
};

export type Publish = (events: readonly PendingEvent[]) => Promise<void>;

export const publisherFor =
  (busName: string): Publish =>
  (events) =>
    publishEvents(busName, events);
