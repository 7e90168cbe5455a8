import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';
import { IntentNetwork } from '#shared/sharing/intents';

/**
 * The SQS message: ids only. The worker reads everything else from DynamoDB. `auto`: a campaign
 * shares for someone who turned auto-share on; `own`: the employee pressed share in their feed.
 */
export const ShareJob = z.object({
  shareId: z.string().min(1),
  campaignId: z.string().min(1),
  postId: z.string().min(1),
  employeeId: z.string().min(1),
  network: NetworkName,
  /** Absent: `auto` (every job queued before suggestion mode existed). */
  mode: z.enum(['auto', 'own']).optional(),
});
export type ShareJob = z.infer<typeof ShareJob>;

/**
 * `pending`: known, not being published (a network asked us to wait). `publishing`: the recorded
 * intent, written before the network is called, with a lease while one worker holds it. Every
 * other status is terminal. `unknown` means a network without idempotent publishing may or may
 * not have posted, and a person has to look: Chorus never re-posts blindly.
 */
export const TERMINAL_STATUSES = ['published', 'failed', 'skipped', 'unknown'] as const;
export const ShareStatus = z.enum(['pending', 'publishing', ...TERMINAL_STATUSES]);
export type ShareStatus = z.infer<typeof ShareStatus>;

export const EngagementCountsSchema = z.object({
  impressions: z.number().int().nonnegative().nullable(),
  reactions: z.number().int().nonnegative(),
  comments: z.number().int().nonnegative(),
  reshares: z.number().int().nonnegative(),
});

export const Share = ShareJob.extend({
  /** Intent networks are shared by the employee in the network's own dialog, then confirmed. */
  network: z.union([NetworkName, IntentNetwork]),
  status: ShareStatus,
  /** Why it ended as it did, as a code (`reconnect_needed`, `daily_cap_reached`, ...). */
  reason: z.string().optional(),
  /** The same in words, for the person reading it. */
  detail: z.string().optional(),
  contentHash: z.string().optional(),
  audienceSize: z.number().int().nonnegative(),
  startedAt: z.iso.datetime(),
  /** Publishing attempts so far; each claim of the share is conditional on the last one. */
  attempt: z.number().int().nonnegative().default(0),
  /** While `publishing`: until when the worker that claimed it may still be at work. */
  leaseUntil: z.iso.datetime().optional(),
  externalId: z.string().optional(),
  url: z.string().optional(),
  publishedAt: z.iso.datetime().optional(),
  engagement: EngagementCountsSchema.optional(),
  lastPolledAt: z.iso.datetime().optional(),
  /** Readers' clicks on the share's tracked link, as of the last poll (Chorus's own count). */
  clicks: z.number().int().nonnegative().optional(),
  deletedOnNetwork: z.boolean().optional(),
  /** Why the network gives no engagement figures for this share (reported as such, never 0). */
  engagementUnavailable: z.string().optional(),
  /** `intent`: shared in the network's own dialog and confirmed by the employee. */
  via: z.enum(['api', 'intent']).optional(),
  /**
   * How many of the share's changes were announced (its end, a person's resolution): its events
   * are numbered by it, so a consumer can tell the newer of two. Absent: none yet.
   */
  outcomeVersion: z.number().int().positive().optional(),
  /** A person looked at an `unknown` or `failed` share and said what became of it. */
  resolution: z
    .object({
      outcome: z.enum(['published', 'not_published']),
      by: z.string(),
      at: z.iso.datetime(),
      /** What the share was before: the status and reason a person resolved. */
      was: z.object({ status: z.string(), reason: z.string().optional() }),
      note: z.string().optional(),
    })
    .optional(),
});
export type Share = z.infer<typeof Share>;

export const isTerminal = (status: ShareStatus): boolean =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);
