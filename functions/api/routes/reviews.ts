import { z } from 'zod';
import { json, parseBody, parsePathParameters } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import { PostPath } from '#functions/api/routes/posts';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { contentHashOf } from '#shared/posts/content-hash';
import { authorizeReviewer, nextStatus } from '#shared/posts/workflow';

const ApproveBody = z.strictObject({ comment: z.string().trim().max(2000).optional() });
const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/** The state is checked before the reviewer: approving a draft is a 409 for everyone. */
export const approvePost: RouteHandler = async (request, caller, deps) => {
  const { postId } = parsePathParameters(request, PostPath);
  const { comment } = request.body ? parseBody(request, ApproveBody) : { comment: undefined };
  const post = await deps.posts.get(postId);
  const status = nextStatus(post, { type: 'approve' });
  const approverRole = authorizeReviewer(post, caller);
  const now = deps.now().toISOString();
  const contentHash = contentHashOf(post);
  const approved = {
    ...post,
    status,
    updatedAt: now,
    approval: {
      approvedBy: caller.userId,
      approverRole,
      approvedAt: now,
      version: post.version,
      contentHash,
      comment,
    },
  };
  await deps.posts.replace(approved, post);
  await deps.publish([
    event(DETAIL_TYPES.postApproved, {
      postId,
      version: post.version,
      approvedBy: caller.userId,
      contentHash,
    }),
  ]);
  return json(200, { post: approved });
};

export const rejectPost: RouteHandler = async (request, caller, deps) => {
  const { postId } = parsePathParameters(request, PostPath);
  const { reason } = parseBody(request, RejectBody);
  const post = await deps.posts.get(postId);
  const status = nextStatus(post, { type: 'reject' });
  authorizeReviewer(post, caller);
  const now = deps.now().toISOString();
  const rejected = {
    ...post,
    status,
    updatedAt: now,
    rejection: { rejectedBy: caller.userId, reason, rejectedAt: now },
  };
  await deps.posts.replace(rejected, post);
  await deps.publish([
    event(DETAIL_TYPES.postRejected, { postId, version: post.version, rejectedBy: caller.userId }),
  ]);
  return json(200, { post: rejected });
};
