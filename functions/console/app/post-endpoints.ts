import type { DraftCheckAnswer } from '#functions/api/answers/draft-check';
import type { Segment } from '#shared/employees/segment';
import type { KnownNetwork } from '#shared/networks/limits';
import type { FieldChange } from '#shared/posts/field-change';
import type { PostContent, PostVersion } from '#shared/posts/post';
import type { PostView } from '#shared/posts/post-view';
import { request } from './api';
import type { PostBody, PostFlag } from './compose-draft';

/**
 * What marketing's compose screen reads and saves, typed from the API's own schemas (type-only:
 * no zod here). A save names the version it was edited from; a 409 says someone saved since.
 * The comment thread's calls are legal's (`review-endpoints.ts`), used from there.
 */
export type {
  DraftCheckAnswer,
  FieldChange,
  KnownNetwork,
  PostBody,
  PostFlag,
  PostVersion,
  PostView,
  Segment,
};

const post = (postId: string) => `/posts/${encodeURIComponent(postId)}`;

type PostAnswer = { post: PostView };

export const getPost = (postId: string) => request<PostAnswer>('GET', post(postId));

export const createPost = (body: PostBody) => request<PostAnswer>('POST', '/posts', body);

/** A new version, bound to the one edited: a 409 when someone saved since. */
export const savePost = (postId: string, body: PostBody, version: number) =>
  request<PostAnswer>('PUT', post(postId), { ...body, version });

export const submitPost = (postId: string) => request<PostAnswer>('POST', `${post(postId)}/submit`);

export const withdrawPost = (postId: string, reason: string) =>
  request<PostAnswer>('POST', `${post(postId)}/withdraw`, { reason });

export const deletePost = (postId: string) => request<PostAnswer>('DELETE', post(postId));

export const getVersions = (postId: string) =>
  request<{ versions: PostVersion[] }>('GET', `${post(postId)}/versions`);

export const getDiff = (postId: string, from: number, to: number) =>
  request<{ from: number | null; to: number; changes: FieldChange[] }>(
    'GET',
    `${post(postId)}/diff?from=${from}&to=${to}`,
  );

/** The dry run of a draft: findings, and each text as its network would receive it. */
export const checkDraft = (draft: {
  variants: PostContent['variants'];
  link?: string;
  topics: string[];
  segments: string[];
  flags: PostFlag[];
}) => request<DraftCheckAnswer>('POST', '/compliance/check', { post: draft });

export const getSegments = () => request<{ segments: Segment[] }>('GET', '/segments');

/** How many active people a segment has (`complete`: the count is exact, else a lower bound). */
export const getSegmentCount = (segmentId: string) =>
  request<{ count: number; complete: boolean }>(
    'GET',
    `/segments/${encodeURIComponent(segmentId)}/members?limit=1`,
  );
