import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { SegmentId } from '#shared/employees/segment';
import { PostSummary } from '#shared/posts/listing';
import { PostStatus, Topic } from '#shared/posts/post';
import { POST_PAGE_BUDGET } from '#shared/store/posts';
import { sortText } from '#shared/store/sort-text';

const Cursor = z.string().max(4000);

const PostListQuery = z.strictObject({
  /** A deleted post is in no list. */
  status: PostStatus.exclude(['deleted']).optional(),
  author: z.string().trim().min(1).max(200).optional(),
  segment: SegmentId.optional(),
  topic: Topic.optional(),
  title: z
    .string()
    .max(200)
    .refine((text) => sortText(text).length > 0, 'needs at least one letter or digit')
    .optional(),
  limit: Limit,
  cursor: Cursor.optional(),
});

export const listPosts = defineRoute({
  summary: 'List posts: by status, author, target segment or title prefix, cursor-paged',
  description: [
    'Each list is served by an index (gsi3), never a scan:',
    '- `title` (a prefix, case and accents folded): the title list, `POSTS_TITLE` / folded title, A to Z;',
    '- else `segment`: the segment list, `POSTS_SEGMENT#segment` / updated time, newest first;',
    '- else `author`: the author list, `POSTS_AUTHOR#author` / updated time, newest first;',
    '- else `status`: the status list, `POSTS_STATUS#status` / updated time, newest first;',
    '- else every post but deleted ones, `POSTS` / updated time, newest first.',
    `Any other filter given (status, author, segment, topic) is applied within a bounded page: at most ${POST_PAGE_BUDGET} posts are read for one page, so a page may hold fewer than \`limit\` posts, even none, and still carry a \`cursor\`. The list has ended when the answer has no \`cursor\`; pass it back with the same filters for the next page. \`order\` says how the page is sorted, \`waitingOn\` whom each post waits on.`,
  ].join('\n'),
  tag: 'posts',
  roles: ['marketing', 'legal', 'admin'],
  query: PostListQuery,
  response: {
    status: 200,
    description: 'One page of posts',
    schema: z.object({
      posts: z.array(PostSummary),
      order: z.enum(['title', 'updated']),
      cursor: z.string().optional(),
    }),
  },
  async handle({ query, deps }) {
    const { limit, cursor, ...filters } = query;
    return { status: 200, body: await deps.posts.list(filters, { limit, cursor }) };
  },
});
