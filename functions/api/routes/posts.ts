import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { expectedVersion } from '#functions/api/http';
import { postActionRoute } from '#functions/api/post-action-route';
import { defineRoute } from '#functions/api/route';
import {
  PostAnswer,
  PostPath,
  postAnswer,
  VersionETag,
  VersionField,
} from '#functions/api/schemas';
import { ConflictError } from '#shared/errors';
import { newPostId } from '#shared/ids';
import { diffContent } from '#shared/posts/diff';
import { FieldChange } from '#shared/posts/field-change';
import { newPost, PostContent, PostPlanning, PostVersion } from '#shared/posts/post';
import { checkNoScheduledCampaign } from '#shared/posts/scheduled-campaigns';
import { checkTargetsDefined } from '#shared/posts/targets';
import { auditRecordOf, eventsOf } from '#shared/posts/transitions';

const PostBody = PostContent.extend(PostPlanning.shape);
const EditBody = PostBody.extend({ version: VersionField.optional() });
const ReasonBody = z.strictObject({ reason: z.string().trim().min(1).max(2000) });

/**
 * Every target segment is defined and every variant's segments are targets, or a 400 naming the
 * ones that are not.
 */
const targetsDefined = async (
  deps: ApiDependencies,
  content: Pick<PostContent, 'segments' | 'variants'>,
  at: 'body' | 'post',
) => checkTargetsDefined(content, await deps.segments.all(), at);

export const createPost = defineRoute({
  summary: 'Create a draft post (version 1)',
  description:
    'Every target segment must be defined (`GET /segments`): an unknown one is a 400 naming it. A variant with `segments` goes only to members of those segments, each of which must be one of the post’s `segments` (else a 400 naming it); one without goes to everyone else.',
  tag: 'posts',
  roles: ['marketing', 'admin'],
  body: PostBody,
  idempotent: true,
  response: {
    status: 201,
    description: 'The new draft',
    schema: PostAnswer,
    headers: VersionETag,
  },
  async handle({ body, caller, deps, answerWrites }) {
    await targetsDefined(deps, body, 'body');
    const { plannedFor, ...content } = body;
    const post = newPost(content, { postId: newPostId(), author: caller }, plannedFor, deps.now());
    const answer = postAnswer(201, post);
    await deps.posts.save(post, undefined, {
      records: [auditRecordOf(undefined, post, { type: 'create' }, caller.userId)],
      events: eventsOf(undefined, post, { type: 'create' }, caller.userId),
      writes: answerWrites(answer),
    });
    return answer;
  },
});

export const getPost = defineRoute({
  summary: 'Read a post: its current version and where it stands (ETag = version)',
  tag: 'posts',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  response: { status: 200, description: 'The post', schema: PostAnswer, headers: VersionETag },
  errors: [404],
  async handle({ params, deps }) {
    return postAnswer(200, await deps.posts.get(params.postId));
  },
});

export const editPost = postActionRoute({
  summary: 'Save a new version of a post; voids every earlier approval',
  description:
    'Send the version you edited as `version` or If-Match; if someone saved since, the answer is 409. Every target segment must be defined, and every variant’s `segments` among the post’s: an unknown one is a 400 naming it. While a campaign of the post is scheduled the edit is refused with a 409 naming each such campaign and its time (it sends the approved version, so an edit would fail every one of its shares): cancel the campaign or let it go out first, then edit.',
  tag: 'posts',
  roles: ['marketing', 'admin'],
  body: EditBody,
  ifMatch: true,
  answer: 'The post at its new version',
  conflicts: [
    'The version you edited is not the post’s current one: someone saved it since; reload it',
    'A campaign of the post is scheduled: the message names each campaign and its time; cancel it or let it go out first',
    'A campaign was scheduled moments ago and is not listed yet: retry',
  ],
  // The post was read before its campaigns, and the edit is stored only if the post's revision
  // is still the one read; scheduling a campaign moves it on in the campaign's own transaction,
  // so a campaign scheduled after this check makes the edit a 409, never a silent success.
  // Bad input (no version, an unknown segment) is a 400 and a stale version a 409 before any
  // campaign is looked at.
  async check({ body, post, deps, request }) {
    await targetsDefined(deps, body, 'body');
    const editing = expectedVersion(request, body.version);
    if (editing !== post.version) {
      throw new ConflictError(
        `You edited version ${editing} but the post is at version ${post.version}; reload it`,
      );
    }
    checkNoScheduledCampaign(post, await deps.campaigns.allOfPost(post.postId));
  },
  action({ body, caller }) {
    const { version: _checked, plannedFor, ...content } = body;
    return { action: { type: 'edit', by: caller, content, plannedFor } };
  },
});

export const deletePost = postActionRoute({
  summary: 'Delete a post that was never scheduled (kept on the record, hidden from lists)',
  tag: 'posts',
  roles: ['marketing', 'admin'],
  answer: 'The deleted post',
  conflicts: ['The post was scheduled once and stays on the record: withdraw it instead'],
  action: ({ caller }) => ({ action: { type: 'delete', by: caller } }),
});

export const submitPost = postActionRoute({
  summary: 'Submit the current version for the compliance check and review',
  description:
    'Refused with a 400 naming them while the post targets a segment that is not defined.',
  tag: 'workflow',
  roles: ['marketing', 'admin'],
  answer: 'The submitted post',
  check: ({ post, deps }) => targetsDefined(deps, post, 'post'),
  action: ({ caller }) => ({ action: { type: 'submit', by: caller } }),
});

export const withdrawPost = postActionRoute({
  summary: 'Withdraw a post: it leaves the library and no further share is published',
  tag: 'workflow',
  roles: ['marketing', 'legal', 'admin'],
  body: ReasonBody,
  answer: 'The withdrawn post',
  action: ({ body, caller }) => ({ action: { type: 'withdraw', by: caller, reason: body.reason } }),
});

export const listVersions = defineRoute({
  summary: 'Every saved version of a post, oldest first',
  tag: 'posts',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  response: {
    status: 200,
    description: 'The versions',
    schema: z.object({ versions: z.array(PostVersion) }),
  },
  errors: [404],
  async handle({ params, deps }) {
    await deps.posts.get(params.postId);
    return { status: 200, body: { versions: await deps.posts.listVersions(params.postId) } };
  },
});

const DiffQuery = z.strictObject({
  from: z.coerce.number().int().positive().optional(),
  to: z.coerce.number().int().positive().optional(),
});

export const diffPost = defineRoute({
  summary: 'What changed between two versions (default: last approved, or previous, to current)',
  tag: 'posts',
  roles: ['marketing', 'legal', 'admin'],
  params: PostPath,
  query: DiffQuery,
  response: {
    status: 200,
    description: 'Field by field, with word-level changes for text',
    schema: z.object({
      from: z.number().int().nullable(),
      to: z.number().int(),
      changes: z.array(FieldChange),
    }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const post = await deps.posts.get(params.postId);
    const to = query.to ?? post.version;
    const baseline =
      post.lastApprovedVersion && post.lastApprovedVersion < to ? post.lastApprovedVersion : to - 1;
    const from = query.from ?? (baseline >= 1 ? baseline : undefined);
    if (from === undefined) return { status: 200, body: { from: null, to, changes: [] } };
    const [before, after] = await Promise.all([
      deps.posts.getVersion(post.postId, from),
      deps.posts.getVersion(post.postId, to),
    ]);
    return { status: 200, body: { from, to, changes: diffContent(before, after) } };
  },
});
