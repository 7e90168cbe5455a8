import { z } from 'zod';

/**
 * Every event on the Chorus bus: its detail-type and the zod schema of its detail. Producers
 * validate before they put, consumers validate what they receive; rules are built from the same
 * constants. Events carry ids and small facts, never documents.
 */
export const EVENT_SOURCE = 'chorus';

export const DETAIL_TYPES = {
  postCreated: 'PostCreated',
  postEdited: 'PostEdited',
  postSubmitted: 'PostSubmitted',
  complianceChecked: 'ComplianceChecked',
  reviewStarted: 'ReviewStarted',
  approvalRecorded: 'ApprovalRecorded',
  postApproved: 'PostApproved',
  postRejected: 'PostRejected',
  changesRequested: 'ChangesRequested',
  postScheduled: 'PostScheduled',
  postExpired: 'PostExpired',
  approvalLapsed: 'ApprovalLapsed',
  postWithdrawn: 'PostWithdrawn',
  postDeleted: 'PostDeleted',
  approvalPolicyUpdated: 'ApprovalPolicyUpdated',
  compliancePolicyUpdated: 'CompliancePolicyUpdated',
  sharingPolicyUpdated: 'SharingPolicyUpdated',
  engagementPolicyUpdated: 'EngagementPolicyUpdated',
  recognitionPolicyUpdated: 'RecognitionPolicyUpdated',
  campaignScheduled: 'CampaignScheduled',
  campaignDue: 'CampaignDue',
  campaignSliceDue: 'CampaignSliceDue',
  campaignCancelled: 'CampaignCancelled',
  campaignRescheduled: 'CampaignRescheduled',
  sharePublished: 'SharePublished',
  shareFailed: 'ShareFailed',
  shareSkipped: 'ShareSkipped',
  shareOutcomeUnknown: 'ShareOutcomeUnknown',
  connectionExpired: 'ConnectionExpired',
  connectionExpiring: 'ConnectionExpiring',
  engagementUpdated: 'EngagementUpdated',
  jobRunDue: 'JobRunDue',
} as const;

const id = z.string().min(1);

/** Every post transition says which post, which version, from where to where and who did it. */
const postTransition = z.object({
  postId: id,
  version: z.number().int().positive(),
  from: z.string().nullable(),
  to: z.string(),
  actor: id,
});

export const eventSchemas = {
  PostCreated: postTransition,
  PostEdited: postTransition,
  PostSubmitted: postTransition,
  ComplianceChecked: postTransition.extend({
    outcome: z.enum(['pass', 'review', 'blocked']),
    regulated: z.boolean(),
    findingCount: z.number().int().nonnegative(),
    policyVersion: z.number().int().positive(),
  }),
  ReviewStarted: postTransition.extend({
    stages: z.array(z.string()),
    regulated: z.boolean(),
    policyVersion: z.number().int().positive(),
  }),
  ApprovalRecorded: postTransition.extend({ stageId: id, contentHash: z.string().length(64) }),
  PostApproved: postTransition.extend({ contentHash: z.string().length(64) }),
  PostRejected: postTransition,
  ChangesRequested: postTransition,
  PostScheduled: postTransition,
  PostExpired: postTransition,
  ApprovalLapsed: postTransition,
  PostWithdrawn: postTransition,
  PostDeleted: postTransition,
  ApprovalPolicyUpdated: z.object({ version: z.number().int().positive(), actor: id }),
  CompliancePolicyUpdated: z.object({ version: z.number().int().positive(), actor: id }),
  SharingPolicyUpdated: z.object({ version: z.number().int().positive(), actor: id }),
  EngagementPolicyUpdated: z.object({ version: z.number().int().positive(), actor: id }),
  RecognitionPolicyUpdated: z.object({ version: z.number().int().positive(), actor: id }),
  CampaignScheduled: z.object({ campaignId: id, postId: id, scheduledAt: z.iso.datetime() }),
  CampaignDue: z.object({ campaignId: id, postId: id, scheduledAt: z.iso.datetime() }),
  /** One directory shard of a due campaign to fan out (again, when a run ran out of time). */
  CampaignSliceDue: z.object({ campaignId: id, shard: z.number().int().nonnegative() }),
  CampaignCancelled: z.object({ campaignId: id, postId: id, actor: id }),
  CampaignRescheduled: z.object({ campaignId: id, postId: id, scheduledAt: z.iso.datetime() }),
  SharePublished: z.object({
    shareId: id,
    campaignId: id,
    employeeId: id,
    network: id,
    externalId: id,
  }),
  ShareFailed: z.object({ shareId: id, campaignId: id, network: id, reason: z.string() }),
  ShareSkipped: z.object({ shareId: id, campaignId: id, network: id, reason: z.string() }),
  /** A publish may or may not have posted, on a network where asking again could post twice. */
  ShareOutcomeUnknown: z.object({ shareId: id, campaignId: id, network: id, reason: z.string() }),
  ConnectionExpired: z.object({ employeeId: id, network: id }),
  /** A connection stops working soon unless the employee reconnects: for a notification feature. */
  ConnectionExpiring: z.object({
    employeeId: id,
    network: id,
    daysLeft: z.number().int().positive(),
    expiresAt: z.iso.datetime(),
  }),
  EngagementUpdated: z.object({ network: id, sharesPolled: z.number().int().nonnegative() }),
  /** A background job to work on: just started, or handed on by a run whose time ran short. */
  JobRunDue: z.object({ jobId: id }),
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
