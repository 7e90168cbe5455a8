import { z } from 'zod';

/**
 * Every event on the Chorus bus: its detail-type and the zod schema of its detail. Producers
 * validate before they put, consumers validate what they receive; rules are built from the same
 * constants. Events carry ids and small facts, never documents.
 */
export const EVENT_SOURCE = 'chorus';

export const DETAIL_TYPES = {
  postSubmitted: 'PostSubmitted',
  complianceChecked: 'ComplianceChecked',
  postApproved: 'PostApproved',
  postRejected: 'PostRejected',
  campaignScheduled: 'CampaignScheduled',
  campaignDue: 'CampaignDue',
  sharePublished: 'SharePublished',
  shareFailed: 'ShareFailed',
  shareSkipped: 'ShareSkipped',
  engagementUpdated: 'EngagementUpdated',
} as const;

const id = z.string().min(1);

export const eventSchemas = {
  PostSubmitted: z.object({ postId: id, version: z.number().int().positive(), submittedBy: id }),
  ComplianceChecked: z.object({
    postId: id,
    version: z.number().int().positive(),
    outcome: z.enum(['pass', 'review', 'blocked']),
    regulated: z.boolean(),
    findingCount: z.number().int().nonnegative(),
    policyVersion: z.number().int().positive(),
  }),
  PostApproved: z.object({
    postId: id,
    version: z.number().int().positive(),
    approvedBy: id,
    contentHash: z.string().length(64),
  }),
  PostRejected: z.object({ postId: id, version: z.number().int().positive(), rejectedBy: id }),
  CampaignScheduled: z.object({ campaignId: id, postId: id, scheduledAt: z.iso.datetime() }),
  CampaignDue: z.object({ campaignId: id, postId: id, scheduledAt: z.iso.datetime() }),
  SharePublished: z.object({
    shareId: id,
    campaignId: id,
    employeeId: id,
    network: id,
    externalId: id,
  }),
  ShareFailed: z.object({ shareId: id, campaignId: id, network: id, reason: z.string() }),
  ShareSkipped: z.object({ shareId: id, campaignId: id, network: id, reason: z.string() }),
  EngagementUpdated: z.object({ network: id, sharesPolled: z.number().int().nonnegative() }),
} as const satisfies Record<(typeof DETAIL_TYPES)[keyof typeof DETAIL_TYPES], z.ZodType>;

export type DetailType = keyof typeof eventSchemas;
export type EventDetail<T extends DetailType> = z.infer<(typeof eventSchemas)[T]>;

/** The EventBridge envelope a rule target receives, with its detail validated. */
export const parseEvent = <T extends DetailType>(
  detailType: T,
  event: { source?: unknown; 'detail-type'?: unknown; detail?: unknown },
): EventDetail<T> => {
  if (event.source !== EVENT_SOURCE || event['detail-type'] !== detailType) {
    throw new Error(
      `Expected ${EVENT_SOURCE}/${detailType}, got ${String(event.source)}/${String(event['detail-type'])}`,
    );
  }
  return eventSchemas[detailType].parse(event.detail) as EventDetail<T>;
};
