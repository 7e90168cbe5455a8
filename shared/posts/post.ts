import { z } from 'zod';
import { Role } from '#shared/auth/roles';
import { ComplianceResult } from '#shared/compliance/finding';

export const POST_STATUSES = [
  'draft',
  'submitted',
  'in_review',
  'approved',
  'rejected',
  'changes_requested',
] as const;
export const PostStatus = z.enum(POST_STATUSES);
export type PostStatus = z.infer<typeof PostStatus>;

const topic = z.string().trim().min(1).max(60);

/** What marketing writes. Strict: an unknown field is a mistake the author should hear about. */
export const PostDraft = z.strictObject({
  title: z.string().trim().min(1).max(200),
  copy: z.string().trim().min(1).max(3000),
  link: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  topics: z.array(topic).max(20).default([]),
  segment: z.string().trim().min(1).max(100),
});
export type PostDraft = z.infer<typeof PostDraft>;

export const Approval = z.object({
  approvedBy: z.string(),
  approverRole: Role,
  approvedAt: z.iso.datetime(),
  version: z.number().int().positive(),
  contentHash: z.string(),
  comment: z.string().optional(),
});
export type Approval = z.infer<typeof Approval>;

export const Post = PostDraft.extend({
  postId: z.string(),
  version: z.number().int().positive(),
  status: PostStatus,
  authorId: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  compliance: ComplianceResult.optional(),
  approval: Approval.optional(),
  rejection: z
    .object({ rejectedBy: z.string(), reason: z.string(), rejectedAt: z.iso.datetime() })
    .optional(),
});
export type Post = z.infer<typeof Post>;

export const newPost = (
  draft: PostDraft,
  ids: { postId: string; authorId: string },
  now: Date,
): Post => ({
  ...draft,
  ...ids,
  version: 1,
  status: 'draft',
  createdAt: now.toISOString(),
  updatedAt: now.toISOString(),
});
