import { z } from 'zod';

/**
 * The audit log's shapes as the API answers them, apart from the hashing (no node modules), so
 * the console imports their types: GET /audit and GET /audit/verify.
 */
export const AuditSubject = z.object({
  postId: z.string().optional(),
  version: z.number().int().positive().optional(),
  campaignId: z.string().optional(),
  shareId: z.string().optional(),
  policy: z.string().optional(),
  employeeId: z.string().optional(),
  segmentId: z.string().optional(),
});

export const AuditEntry = z.object({
  stream: z.string(),
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  /** A person's user id, or `system:<stage>` for automated steps. */
  actor: z.string(),
  action: z.string(),
  subject: AuditSubject,
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One stream's chain as GET /audit/verify answers it: holds, or where it first breaks. */
export const StreamVerification = z.object({
  stream: z.string(),
  holds: z.boolean(),
  /** How many entries were checked, from the first. */
  entries: z.number().int().nonnegative(),
  /** False when the stream was longer than one request checks. */
  complete: z.boolean(),
  broken: z.object({ seq: z.number().int(), problem: z.string() }).optional(),
});
export type StreamVerification = z.infer<typeof StreamVerification>;
