import { z } from 'zod';
import { json, parseBody, parsePathParameters } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newPostId } from '#shared/ids';
import { newPost, PostDraft } from '#shared/posts/post';
import { nextStatus } from '#shared/posts/workflow';

export const PostPath = z.object({ postId: z.string().min(1).max(100) });

export const createPost: RouteHandler = async (request, caller, deps) => {
  const draft = parseBody(request, PostDraft);
  const post = newPost(draft, { postId: newPostId(), authorId: caller.userId }, deps.now());
  await deps.posts.create(post);
  return json(201, { post });
};

export const getPost: RouteHandler = async (request, _caller, deps) => {
  const { postId } = parsePathParameters(request, PostPath);
  return json(200, { post: await deps.posts.get(postId) });
};

/**
 * Submitting again while the post is still `submitted` re-announces it: if the event was lost
 * after the write, the author's retry is what recovers it.
 */
export const submitPost: RouteHandler = async (request, caller, deps) => {
  const { postId } = parsePathParameters(request, PostPath);
  const post = await deps.posts.get(postId);
  const announce = event(DETAIL_TYPES.postSubmitted, {
    postId,
    version: post.version,
    submittedBy: caller.userId,
  });
  if (post.status === 'submitted') {
    await deps.publish([announce]);
    return json(200, { post });
  }
  const submitted = {
    ...post,
    status: nextStatus(post, { type: 'submit' }),
    updatedAt: deps.now().toISOString(),
  };
  await deps.posts.replace(submitted, post);
  await deps.publish([announce]);
  return json(200, { post: submitted });
};
