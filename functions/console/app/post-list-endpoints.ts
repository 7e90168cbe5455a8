import type { Campaign } from '#shared/campaigns/campaign';
import type { Segment } from '#shared/employees/segment';
import type { PostSummary, WaitingOn } from '#shared/posts/listing';
import type { PostStatus } from '#shared/posts/post';
import { request } from './api';

/**
 * What the marketing posts list reads, typed from the API's own schemas (type-only: no zod
 * here): one page of `GET /posts`, the segments to filter by, and a scheduled post's campaigns.
 */
export type { Campaign, PostSummary, Segment, WaitingOn };

/** Every status a listed post may have (a deleted post is in no list). */
export type ListedStatus = Exclude<PostStatus, 'deleted'>;

export interface PostFilters {
  status?: ListedStatus | undefined;
  /** The author's user id (the token's `sub`): "mine" is the signed-in person's. */
  author?: string | undefined;
  segment?: string | undefined;
  /** A prefix of the title, case and accents folded by the API. */
  title?: string | undefined;
}

export interface PostPage {
  posts: PostSummary[];
  order: 'title' | 'updated';
  cursor?: string;
}

/** How many posts one page asks for. */
export const POST_PAGE_SIZE = 25;

const query = (values: Record<string, string | undefined>) =>
  Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');

export const listPosts = (filters: PostFilters, cursor?: string) =>
  request<PostPage>(
    'GET',
    `/posts?${query({ ...filters, limit: String(POST_PAGE_SIZE), cursor })}`,
  );

export const listSegments = () => request<{ segments: Segment[] }>('GET', '/segments');

/** A post's campaigns (served by the post's own index), for when a scheduled post goes out. */
export const campaignsOf = (postId: string) =>
  request<{ campaigns: Campaign[] }>('GET', `/campaigns?${query({ postId, limit: '10' })}`);
