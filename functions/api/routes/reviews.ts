import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { deployedNetworks } from '#functions/api/deployed-networks';
import { filteredPages, PAGING_NOTE } from '#functions/api/filtered-pages';
import { expectedVersion } from '#functions/api/http';
import { postActionRoute } from '#functions/api/post-action-route';
import { defineRoute } from '#functions/api/route';
import { Limit, PostPath, postView, VersionField } from '#functions/api/schemas';
import type { Caller, Role } from '#shared/auth/roles';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { ForbiddenError, NotFoundError, ValidationError } from '#shared/errors';
import type { KnownNetwork } from '#shared/networks/limits';
import { type Comment, CommentRequest, Comment as CommentSchema } from '#shared/posts/comment';
import { diffContent } from '#shared/posts/diff';
import { Approval, type Post } from '#shared/posts/post';
import { noEligibleReviewer } from '#shared/posts/reviewers';
import { authorizeReviewer } from '#shared/posts/workflow';
import { ReviewItem } from '#shared/reviews/review-item';
import { renderForNetwork, standInLink, variantsOnNetworks } from '#shared/shares/final-text';

const DecisionFields = { version: VersionField.optional() };
const ApproveBody = z.strictObject({
  ...DecisionFields,
  comment: z.string().trim().min(1).max(2000).optional(),
});
const RejectBody = z.strictObject({
  ...DecisionFields,
  reason: z.string().trim().min(1).max(2000),
});
const ChangesBody = z.strictObject({
  ...DecisionFields,
  comment: z.string().trim().min(1).max(4000),
});
const NameReviewersBody = z.strictObject({
  ...DecisionFields,
  stageId: z.string().min(1).max(40),
  reviewers: z
    .array(z.email().max(254).toLowerCase())
    .min(1)
    .max(20)
    .refine((emails) => new Set(emails).size === emails.length, 'each reviewer once'),
});
const newComment = (
  post: Post,
  caller: Caller,
  fields: { text: string; kind: Comment['kind']; replyTo?: string | undefined; version?: number },
  at: Date,
): Comment => ({
  commentId: `cmt_${randomUUID()}`,
  postId: post.postId,
  version: fields.version ?? post.version,
  authorId: caller.userId,
  ...(caller.email ? { authorEmail: caller.email } : {}),
  text: fields.text,
  ...(fields.replyTo ? { replyTo: fields.replyTo } : {}),
  kind: fields.kind,
  at: at.toISOString(),
});

export const approvePost = postActionRoute({
  summary: 'Approve the version you reviewed, for the open review stage',
  description:
    'The version is required (body or If-Match): approving a version that changed since you opened it is a 409. Nobody approves their own post (403).',
  tag: 'workflow',
  roles: ['marketing', 'legal'],
  body: ApproveBody,
  ifMatch: true,
  answer: 'The post after the approval',
  conflicts: [
    'The version you approve is not the post’s current one: it changed since you opened it',
    'The post has no review stage open',
  ],
  action: ({ body, caller, request }) => ({
    action: {
      type: 'approve',
      by: caller,
      version: expectedVersion(request, body.version),
      comment: body.comment,
    },
  }),
});

export const rejectPost = postActionRoute({
  summary: 'Reject the version you reviewed, with a reason (final)',
  tag: 'workflow',
  roles: ['marketing', 'legal'],
  body: RejectBody,
  ifMatch: true,
  answer: 'The rejected post',
  conflicts: [
    'The version you reject is not the post’s current one: it changed since you opened it',
    'The post has no review stage open',
  ],
  action: ({ body, caller, request }) => ({
    action: {
      type: 'reject',
      by: caller,
      version: expectedVersion(request, body.version),
      reason: body.reason,
    },
  }),
});

export const requestChanges = postActionRoute({
  summary: 'Send the post back to its author with a comment on this version',
  tag: 'workflow',
  roles: ['marketing', 'legal'],
  body: ChangesBody,
  ifMatch: true,
  answer: 'The post, back with its author',
  conflicts: [
    'The version you comment on is not the post’s current one: it changed since you opened it',
    'The post has no review stage open',
  ],
  action: ({ body, caller, request, post, at }) => ({
    action: {
      type: 'requestChanges',
      by: caller,
      version: expectedVersion(request, body.version),
      comment: body.comment,
    },
    comment: newComment(post, caller, { text: body.comment, kind: 'changes_requested' }, at),
  }),
});

const CommentsQuery = z.strictObject({ version: z.coerce.number().int().positive().optional() });
const CommentBody = CommentRequest.extend({ version: VersionField.optional() });

export const listComments = defineRoute({
  summary: "A post's comment threads, oldest first (optionally one version's)",
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  query: CommentsQuery,
  response: {
    status: 200,
    description: 'The comments; replies name the comment they answer',
    schema: z.object({ comments: z.array(CommentSchema) }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    await deps.posts.get(params.postId);
    return {
      status: 200,
      body: { comments: await deps.posts.listComments(params.postId, query.version) },
    };
  },
});

export const addComment = defineRoute({
  summary: 'Comment on a version of a post, or reply to a comment',
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  body: CommentBody,
  idempotent: true,
  response: {
    status: 201,
    description: 'The comment',
    schema: z.object({ comment: CommentSchema }),
  },
  errors: [404],
  async handle({ params, body, caller, deps, answerWrites }) {
    const post = await deps.posts.get(params.postId);
    const version = body.version ?? post.version;
    if (version > post.version) {
      throw new ValidationError('No such version', [
        { field: 'version', message: `the post has ${post.version} version(s)` },
      ]);
    }
    if (body.replyTo) {
      const thread = await deps.posts.listComments(post.postId, version);
      if (!thread.some((c) => c.commentId === body.replyTo)) {
        throw new NotFoundError('Comment', body.replyTo);
      }
    }
    const comment = newComment(
      post,
      caller,
      { text: body.text, kind: 'comment', replyTo: body.replyTo, version },
      deps.now(),
    );
    const answer = { status: 201, body: { comment } } as const;
    await deps.posts.addComment(comment, answerWrites(answer));
    return answer;
  },
});

export const listApprovals = defineRoute({
  summary: 'Every approval the post was given, for every version',
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  response: {
    status: 200,
    description: 'Approvals with approver, time, stage, policy version and content hash',
    schema: z.object({ approvals: z.array(Approval) }),
  },
  errors: [404],
  async handle({ params, deps }) {
    await deps.posts.get(params.postId);
    return { status: 200, body: { approvals: await deps.posts.listApprovals(params.postId) } };
  },
});

export const nameReviewers = postActionRoute({
  summary: 'Name who reviews a stage of this post, when the policy’s reviewers wrote or edited it',
  description:
    'Admin only, for the version in review (body or If-Match). The named replace the stage’s reviewers for this version; anyone who wrote or edited the post is refused (400). On the audit record.',
  tag: 'workflow',
  roles: ['admin'],
  body: NameReviewersBody,
  ifMatch: true,
  answer: 'The post with the stage’s new reviewers',
  conflicts: [
    'The version you sent is not the one in review: the post changed since you opened it',
    'The stage named is not the open one',
    'The stage still has eligible reviewers: others are named only when none is left',
  ],
  action: ({ body, caller, request }) => ({
    action: {
      type: 'nameReviewers',
      by: caller,
      version: expectedVersion(request, body.version),
      stageId: body.stageId,
      reviewers: body.reviewers,
    },
  }),
});

const REVIEW_ROLES = ['legal', 'marketing'] as const;

const ReviewQuery = z.strictObject({
  role: z.enum(REVIEW_ROLES).optional(),
  order: z.enum(['oldest', 'planned']).default('oldest'),
  limit: Limit,
  cursor: z.string().max(300).optional(),
});

/** A post as its reviewer reads it: each text as sent, why it is regulated, what changed. */
const reviewItemOf = async (
  deps: ApiDependencies,
  post: Post,
  policy: CompliancePolicy,
  networks: readonly KnownNetwork[],
): Promise<z.infer<typeof ReviewItem>> => {
  const against = post.lastApprovedVersion ?? null;
  const stuck = noEligibleReviewer(post);
  const changes =
    against && against !== post.version
      ? diffContent(await deps.posts.getVersion(post.postId, against), post)
      : [];
  const stage = post.review?.stages[post.review.currentStage];
  return {
    post: postView(post),
    ...(stage ? { stage } : {}),
    waitingSince: post.submittedAt ?? post.updatedAt,
    regulatedBecause: post.review?.reasons ?? [],
    findings: post.compliance?.findings ?? [],
    rendered: variantsOnNetworks(post, networks).map((at) =>
      renderForNetwork({ post, ...at, policy, postedLink: standInLink(deps.apiUrl) }),
    ),
    diff: { against, changes },
    ...(stuck ? { noEligibleReviewer: stuck } : {}),
  };
};

const mayReview = (post: Post, caller: Caller): boolean => {
  try {
    authorizeReviewer(post, caller);
    return true;
  } catch (error) {
    if (error instanceof ForbiddenError) return false;
    throw error;
  }
};

export const reviewQueue = defineRoute({
  summary: 'Posts waiting for my review, with findings and the diff against the last approval',
  description: `Also lists posts nobody left may review (\`noEligibleReviewer\` says why), so they are seen; an admin reads any queue by \`role\` and names reviewers for them. ${PAGING_NOTE}`,
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  query: ReviewQuery,
  response: {
    status: 200,
    description: 'What one request found of the queue; pass `cursor` back for more',
    schema: z.object({ items: z.array(ReviewItem), cursor: z.string().optional() }),
  },
  async handle({ query, caller, deps }) {
    const admin = caller.roles.includes('admin');
    const role: Role | undefined = query.role ?? REVIEW_ROLES.find((r) => caller.roles.includes(r));
    if (!role && admin) {
      throw new ValidationError('Say which queue to read', [
        { field: 'role', message: `one of ${REVIEW_ROLES.join(', ')}` },
      ]);
    }
    if (!role || !(caller.roles.includes(role) || admin)) {
      throw new ForbiddenError(`You are not a ${query.role ?? 'reviewer'}`);
    }
    const { items: waiting, cursor } = await filteredPages<Post>({
      limit: query.limit,
      cursor: query.cursor,
      read: async (page) => {
        const read = await deps.posts.reviewQueue(role, query.order, {
          limit: page.limit,
          after: page.cursor,
        });
        return { items: read.posts, next: read.next };
      },
      // A stuck post shows to the whole queue, so someone sees it waits for an admin.
      keep: (post) => admin || mayReview(post, caller) || noEligibleReviewer(post) !== undefined,
    });
    const [policy, networks] = await Promise.all([
      deps.compliancePolicies.current(),
      deployedNetworks(deps),
    ]);
    const items = await Promise.all(
      waiting.map((post) => reviewItemOf(deps, post, policy, networks)),
    );
    return { status: 200, body: { items, ...(cursor ? { cursor } : {}) } };
  },
});

export const getReview = defineRoute({
  summary:
    'One post as its reviewer reads it: each text as sent, findings, why regulated, the diff',
  description:
    'The same item the review queue lists, for one post (a link from an email, a reload of the review page). Any version in any state: `post.version` is what an approval must name.',
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  response: { status: 200, description: 'The review', schema: ReviewItem },
  errors: [404],
  async handle({ params, deps }) {
    const post = await deps.posts.get(params.postId);
    const [policy, networks] = await Promise.all([
      deps.compliancePolicies.current(),
      deployedNetworks(deps),
    ]);
    return { status: 200, body: await reviewItemOf(deps, post, policy, networks) };
  },
});
