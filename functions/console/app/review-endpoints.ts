import type { Comment } from '#shared/posts/comment';
import type { PostView } from '#shared/posts/post-view';
import type { PersonalisationReview, ReviewItem } from '#shared/reviews/review-item';
import { request } from './api';

/**
 * What legal reads and decides, typed from the API's own schemas (type-only: no zod here).
 * Every decision names what was shown: a post's version, an edit's textHash; a 409 says it moved.
 */
export type { Comment, PersonalisationReview, ReviewItem };

export type QueueOrder = 'oldest' | 'planned';

/** How many items one page of either queue holds. */
export const PAGE_SIZE = 50;

const post = (postId: string) => `/posts/${encodeURIComponent(postId)}`;

/** One page of legal's queue; the next is asked for with the cursor, and there is none at the end. */
export const getReviewQueue = (order: QueueOrder, cursor?: string) =>
  request<{ items: ReviewItem[]; cursor?: string }>(
    'GET',
    `/reviews?role=legal&limit=${PAGE_SIZE}&order=${order}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
  );

export const getReview = (postId: string) => request<ReviewItem>('GET', `${post(postId)}/review`);

export const getComments = (postId: string) =>
  request<{ comments: Comment[] }>('GET', `${post(postId)}/comments`);

/** A comment on a version, or (with `replyTo`) a reply in the thread of the comment it answers. */
export const addComment = (
  postId: string,
  body: { text: string; version: number; replyTo?: string },
) => request<{ comment: Comment }>('POST', `${post(postId)}/comments`, body);

type Decided = { post: PostView };

export const approvePost = (postId: string, version: number) =>
  request<Decided>('POST', `${post(postId)}/approve`, { version });

export const requestChanges = (postId: string, version: number, comment: string) =>
  request<Decided>('POST', `${post(postId)}/request-changes`, { version, comment });

export const rejectPost = (postId: string, version: number, reason: string) =>
  request<Decided>('POST', `${post(postId)}/reject`, { version, reason });

export const getPersonalisationQueue = () =>
  request<{ personalisations: PersonalisationReview[] }>(
    'GET',
    `/reviews/personalisations?limit=${PAGE_SIZE}`,
  );

const personalisation = (id: string) => `/reviews/personalisations/${encodeURIComponent(id)}`;

export const decidePersonalisation = (
  id: string,
  decision: 'approve' | 'reject',
  body: { textHash: string; reason?: string },
) =>
  request<{ personalisation: PersonalisationReview }>(
    'POST',
    `${personalisation(id)}/${decision}`,
    body,
  );
