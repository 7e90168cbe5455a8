import { z } from 'zod';
import { Role } from '#shared/auth/roles';
import { ComplianceResult } from '#shared/compliance/finding';
import { SegmentId } from '#shared/employees/segment';
import { KnownNetwork } from '#shared/networks/limits';
import { Contributor, withContributor } from '#shared/posts/contributors';
import { templateProblems } from '#shared/posts/template';

export const POST_STATUSES = [
  'draft',
  'submitted',
  'compliance_checked',
  'in_review',
  'changes_requested',
  'rejected',
  'approved',
  'scheduled',
  'expired',
  'withdrawn',
  'deleted',
] as const;
export const PostStatus = z.enum(POST_STATUSES);
export type PostStatus = z.infer<typeof PostStatus>;

/** Approved content employees can see and campaigns can send. */
export const LIVE_STATUSES: readonly PostStatus[] = ['approved', 'scheduled'];

/** Facts about a post that a policy can key on. */
export const POST_FLAGS = [
  'promotional',
  'containsTestimonial',
  'rxPromotional',
  'forwardLooking',
  'pastPerformance',
] as const;
export const PostFlag = z.enum(POST_FLAGS);

export const Topic = z.string().trim().toLowerCase().min(1).max(60);
const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https:// address' }).max(2000);
/** Any offset in; always UTC out, and said so (the pipe gives the answer's schema a type). */
const isoInstant = z.iso
  .datetime({ offset: true })
  .transform((at) => new Date(at).toISOString())
  .pipe(z.iso.datetime());

export const CopyVariant = z.strictObject({
  /** The networks this variant is written for; without it, it suits every network. */
  networks: z.array(KnownNetwork).min(1).optional(),
  /**
   * The target segments whose members get this variant; without it, it suits everyone the post
   * targets. Each must be one of the post's own `segments` (checked where the targets are).
   */
  segments: z.array(SegmentId).min(1).max(20).optional(),
  text: z
    .string()
    .trim()
    .min(1)
    .max(3000)
    .superRefine((text, ctx) => {
      for (const message of templateProblems(text)) ctx.addIssue({ code: 'custom', message });
    }),
});
export type CopyVariant = z.infer<typeof CopyVariant>;

/**
 * Everything an author writes; each save of it is a new version. Strict: an unknown field is a
 * mistake the author should hear about.
 */
export const PostContent = z.strictObject({
  title: z.string().trim().min(1).max(200),
  variants: z.array(CopyVariant).min(1).max(20),
  link: httpsUrl.optional(),
  media: z
    .array(z.strictObject({ url: httpsUrl, altText: z.string().trim().min(1).max(1000) }))
    .max(4)
    .default([]),
  topics: z.array(Topic).max(20).default([]),
  segments: z.array(SegmentId).min(1).max(20),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language tag such as en or en-GB')
    .default('en'),
  expiresAt: isoInstant.optional(),
  flags: z.array(PostFlag).max(POST_FLAGS.length).default([]),
});
export type PostContent = z.infer<typeof PostContent>;

/** Not part of the approved content: when the author would like it out, for reviewers' ordering. */
export const PostPlanning = z.strictObject({ plannedFor: isoInstant.optional() });

export const Approval = z.object({
  postId: z.string(),
  version: z.number().int().positive(),
  contentHash: z.string(),
  stageId: z.string(),
  role: Role,
  approverId: z.string(),
  approverEmail: z.string().optional(),
  policyVersion: z.number().int().positive(),
  approvedAt: z.iso.datetime(),
  comment: z.string().optional(),
});
export type Approval = z.infer<typeof Approval>;

export const ReviewStagePlan = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  mode: z.enum(['any', 'all']),
  reviewers: z.array(z.string()),
  /** The admin who named this post's reviewers for the stage, in place of the policy's. */
  namedBy: z.string().optional(),
});
export type ReviewStagePlan = z.infer<typeof ReviewStagePlan>;

/** What the approval policy asked of this version when its review began. */
export const ReviewPlan = z.object({
  policyVersion: z.number().int().positive(),
  regulated: z.boolean(),
  reasons: z.array(z.string()),
  stages: z.array(ReviewStagePlan),
  currentStage: z.number().int().nonnegative(),
  autoApproved: z.boolean(),
  approvalValidDays: z.number().int().positive().nullable(),
});
export type ReviewPlan = z.infer<typeof ReviewPlan>;

/** Who a decision the compliance check made is by (changes asked for by blocking findings). */
export const COMPLIANCE_CHECK_ACTOR = 'compliance-check';

export const Decision = z.object({
  kind: z.enum(['rejected', 'changes_requested', 'withdrawn', 'expired', 'lapsed', 'deleted']),
  by: z.string(),
  at: z.iso.datetime(),
  reason: z.string(),
});
export type Decision = z.infer<typeof Decision>;

/** The post as stored and served: its current version's content plus where it stands. */
export const Post = PostContent.extend({
  postId: z.string(),
  version: z.number().int().positive(),
  status: PostStatus,
  authorId: z.string(),
  authorEmail: z.string().optional(),
  /** Who saved the current version; like the author, they cannot approve it. */
  editedBy: z.string(),
  /** Everyone who authored or edited any version: none of them may approve it. */
  contributors: z.array(Contributor),
  plannedFor: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  submittedAt: z.iso.datetime().optional(),
  compliance: ComplianceResult.optional(),
  review: ReviewPlan.optional(),
  /** Approvals of the current version only; an edit empties this list. */
  approvals: z.array(Approval),
  approvedAt: z.iso.datetime().optional(),
  /** When the approval lapses and the post must be reviewed again. */
  approvalExpiresAt: z.iso.datetime().optional(),
  lastApprovedVersion: z.number().int().positive().optional(),
  decision: Decision.optional(),
  /** Set once a campaign was scheduled; such a post is withdrawn, never deleted. */
  everScheduled: z.boolean(),
  /** Bumped on every write: the token conditional writes compare, invisible to clients. */
  revision: z.number().int().nonnegative(),
});
export type Post = z.infer<typeof Post>;

/** An immutable saved version. */
export const PostVersion = PostContent.extend({
  postId: z.string(),
  version: z.number().int().positive(),
  editedBy: z.string(),
  editedAt: z.iso.datetime(),
});
export type PostVersion = z.infer<typeof PostVersion>;

export const contentOf = (post: PostContent): PostContent => ({
  title: post.title,
  variants: post.variants,
  ...(post.link === undefined ? {} : { link: post.link }),
  media: post.media,
  topics: post.topics,
  segments: post.segments,
  language: post.language,
  ...(post.expiresAt === undefined ? {} : { expiresAt: post.expiresAt }),
  flags: post.flags,
});

export const versionOf = (post: Post): PostVersion => ({
  ...contentOf(post),
  postId: post.postId,
  version: post.version,
  editedBy: post.editedBy,
  editedAt: post.updatedAt,
});

export const newPost = (
  content: PostContent,
  ids: { postId: string; author: { userId: string; email?: string | undefined } },
  plannedFor: string | undefined,
  at: Date,
): Post => ({
  ...content,
  postId: ids.postId,
  version: 1,
  status: 'draft',
  authorId: ids.author.userId,
  ...(ids.author.email ? { authorEmail: ids.author.email } : {}),
  editedBy: ids.author.userId,
  contributors: withContributor([], ids.author),
  ...(plannedFor ? { plannedFor } : {}),
  createdAt: at.toISOString(),
  updatedAt: at.toISOString(),
  approvals: [],
  everScheduled: false,
  revision: 0,
});

/** The variants written for a network, or the general ones when none is. */
export const variantsFor = (
  post: Pick<PostContent, 'variants'>,
  network: string,
): CopyVariant[] => {
  const specific = post.variants.filter((v) => v.networks?.includes(network as KnownNetwork));
  return specific.length > 0 ? specific : post.variants.filter((v) => !v.networks);
};
