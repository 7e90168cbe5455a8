import type { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import { defineRoute, type RouteSpec } from '#functions/api/route';
import { PostAnswer, PostPath, postAnswer, VersionETag } from '#functions/api/schemas';
import type { Caller, Role } from '#shared/auth/roles';
import type { Comment } from '#shared/posts/comment';
import type { Post } from '#shared/posts/post';
import { applyAction } from '#shared/posts/transitions';
import type { PostAction } from '#shared/posts/workflow';

interface PostActionSpec<B> {
  summary: string;
  description?: string;
  tag: string;
  roles: readonly Role[];
  body?: z.ZodType<B>;
  ifMatch?: boolean;
  answer: string;
  /**
   * The 409 causes of this action beyond every post action's (a status that does not allow it,
   * a post changed by another request meanwhile): a stale version, a scheduled campaign, …
   */
  conflicts?: readonly string[];
  /** What the action needs checked beyond the workflow, read from the store (a post's targets). */
  check?(input: { body: B; post: Post; deps: ApiDependencies; request: ApiEvent }): Promise<void>;
  /** Turns the request into the workflow action (and a comment that goes with it). */
  action(input: { body: B; caller: Caller; request: ApiEvent; post: Post; at: Date }): {
    action: PostAction;
    comment?: Comment;
  };
}

/** What any action on a post can meet: its workflow, and another request saving it first. */
const POST_CONFLICTS = [
  'The post’s status does not allow this action (e.g. approving a draft, editing a withdrawn post); the message names the status',
  'The post changed while this request was handled: reload it and retry',
];

/**
 * A route that applies one workflow action to one post: read it, decide, store the transition
 * with its audit entry, announce it, answer with the post and its ETag.
 */
export const postActionRoute = <B = undefined>(spec: PostActionSpec<B>): RouteSpec =>
  defineRoute({
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tag: spec.tag,
    roles: spec.roles,
    params: PostPath,
    ...(spec.body ? { body: spec.body } : {}),
    ...(spec.ifMatch ? { ifMatch: true } : {}),
    response: { status: 200, description: spec.answer, schema: PostAnswer, headers: VersionETag },
    errors: [404],
    conflicts: [...POST_CONFLICTS, ...(spec.conflicts ?? [])],
    async handle({ params, body, caller, deps, request }) {
      const post = await deps.posts.get(params.postId);
      await spec.check?.({ body: body as B, post, deps, request });
      const at = deps.now();
      const { action, comment } = spec.action({ body: body as B, caller, request, post, at });
      const next = await applyAction(deps, post, action, {
        actor: caller.userId,
        at,
        ...(comment ? { comment } : {}),
      });
      return postAnswer(200, next);
    },
  });
