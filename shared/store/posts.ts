import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRecord } from '#shared/audit/chain';
import { dynamo } from '#shared/aws';
import { NotFoundError } from '#shared/errors';
import type { PendingEvent } from '#shared/events/publisher';
import { type Comment, Comment as CommentSchema } from '#shared/posts/comment';
import { contributorsFrom } from '#shared/posts/contributors';
import { LibraryEntry, libraryEntryOf } from '#shared/posts/library';
import { PostSummary, summaryOf } from '#shared/posts/listing';
import {
  Approval,
  LIVE_STATUSES,
  Post,
  type PostStatus,
  PostVersion,
  versionOf,
} from '#shared/posts/post';
import { deadlineOf } from '#shared/posts/workflow';
import type { AuditStore } from '#shared/store/audit';
import { conditionalCommit } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import {
  type IndexRange,
  type ItemFilter,
  indexPage,
  itemsWithPrefix,
} from '#shared/store/query-pages';
import { sortText } from '#shared/store/sort-text';
import type { TransactItem } from '#shared/store/transact';

export const postStream = (postId: string) => `post#${postId}`;

/**
 * The sparse index keys a post carries in its current state, and only then: the work queues it
 * sits in while someone has to act on it.
 */
const indexKeysOf = (post: Post) => {
  if (post.status === 'in_review' && post.review) {
    const role = post.review.stages[post.review.currentStage]?.role;
    if (!role) return {};
    return {
      gsi1pk: keys.reviewQueue(role),
      gsi1sk: `${post.submittedAt ?? post.updatedAt}#${post.postId}`,
      gsi2pk: keys.reviewQueue(role),
      // Posts without a planned time sort after every planned one.
      gsi2sk: `${post.plannedFor ?? '~'}#${post.postId}`,
    };
  }
  // Only a submitted post lacks its compliance result; the check moves it on in one write, so
  // it leaves this index exactly when the check has run.
  if (post.status === 'submitted') {
    return {
      gsi1pk: keys.postsAwaitingCheck,
      gsi1sk: `${post.submittedAt ?? post.updatedAt}#${post.postId}`,
    };
  }
  const deadline = LIVE_STATUSES.includes(post.status) ? deadlineOf(post) : undefined;
  return deadline ? { gsi1pk: keys.postDeadlines, gsi1sk: `${deadline}#${post.postId}` } : {};
};

/**
 * The marketing lists a post appears in (each an entry item under the post, keyed in gsi3), and
 * where it sorts in each. A deleted post is in none. Every save rewrites them from the post it
 * stores, in the same transaction, so a list never shows a status, title or time the post left.
 */
const listingsOf = (post: Post | undefined): Map<string, { gsi3pk: string; gsi3sk: string }> => {
  if (!post || post.status === 'deleted') return new Map();
  const byTime = `${post.updatedAt}#${post.postId}`;
  return new Map([
    ['ALL', { gsi3pk: keys.postsAll, gsi3sk: byTime }],
    ['STATUS', { gsi3pk: keys.postsByStatus(post.status), gsi3sk: byTime }],
    ['AUTHOR', { gsi3pk: keys.postsByAuthor(post.authorId), gsi3sk: byTime }],
    ['TITLE', { gsi3pk: keys.postsByTitle, gsi3sk: `${sortText(post.title)}#${post.postId}` }],
    ...post.segments.map(
      (segment) =>
        [`SEGMENT#${segment}`, { gsi3pk: keys.postsBySegment(segment), gsi3sk: byTime }] as const,
    ),
  ]);
};

/** What the marketing list can be narrowed by. */
export interface PostListQuery {
  status?: PostStatus | undefined;
  author?: string | undefined;
  segment?: string | undefined;
  topic?: string | undefined;
  /** A prefix of the title, matched as `sortText` folds it. */
  title?: string | undefined;
}

/** How many post entries one page may read to apply the filters its index does not serve. */
export const POST_PAGE_BUDGET = 200;

/**
 * The index that serves a query, and the filters left for the page: a title prefix is served
 * by the title list (title order); otherwise the first of segment, author, status names the
 * list (newest update first), or the list of every post. The rest filter within the page.
 */
export const postListPlan = (query: PostListQuery) => {
  const folded = query.title === undefined ? undefined : sortText(query.title);
  const range = (partition: string, prefix?: string): IndexRange => ({
    index: 'gsi3',
    partition,
    items: 'POST#',
    ...(prefix === undefined ? {} : { prefix }),
  });
  const served =
    folded !== undefined
      ? { range: range(keys.postsByTitle, folded), order: 'title' as const, by: 'title' }
      : query.segment
        ? {
            range: range(keys.postsBySegment(query.segment)),
            order: 'updated' as const,
            by: 'segment',
          }
        : query.author
          ? {
              range: range(keys.postsByAuthor(query.author)),
              order: 'updated' as const,
              by: 'author',
            }
          : query.status
            ? {
                range: range(keys.postsByStatus(query.status)),
                order: 'updated' as const,
                by: 'status',
              }
            : { range: range(keys.postsAll), order: 'updated' as const, by: 'all' };
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const add = (by: string, expression: string, name: string, value: unknown) => {
    if (value === undefined || served.by === by) return;
    conditions.push(expression);
    names[`#${name}`] = name;
    values[`:${name}`] = value;
  };
  add('status', '#status = :status', 'status', query.status);
  add('author', '#authorId = :authorId', 'authorId', query.author);
  add('segment', 'contains(#segments, :segments)', 'segments', query.segment);
  add('topic', 'contains(#topics, :topics)', 'topics', query.topic);
  const filter: ItemFilter | undefined = conditions.length
    ? { expression: conditions.join(' AND '), names, values }
    : undefined;
  return { ...served, filter };
};

const isLive = (post: Post | undefined): post is Post =>
  post !== undefined && LIVE_STATUSES.includes(post.status);

export interface PostChange {
  records: readonly AuditRecord[];
  comment?: Comment | undefined;
  /** Other writes that stand or fall with this change (a campaign scheduling the post). */
  writes?: readonly TransactItem[] | undefined;
  conflict?: string;
  /** What the change announces: committed with it, delivered by the outbox relay. */
  events?: readonly PendingEvent[] | undefined;
}

export type ReviewOrder = 'oldest' | 'planned';

export const createPostStore = (tableName: string, audit: AuditStore) => {
  const put = (item: Record<string, unknown>, condition?: string): TransactItem => ({
    Put: {
      TableName: tableName,
      Item: item,
      ...(condition ? { ConditionExpression: condition } : {}),
    },
  });

  /**
   * Every item that follows from a post's change: the head, a new version, new approvals, the
   * library entries of live content. Deriving them here means no handler can forget one.
   */
  const writesFor = (
    next: Post,
    previous: Post | undefined,
    change: PostChange,
  ): TransactItem[] => {
    const writes: TransactItem[] = [
      previous
        ? {
            Put: {
              TableName: tableName,
              Item: { ...keys.post(next.postId), ...next, ...indexKeysOf(next) },
              ConditionExpression: '#revision = :revision',
              ExpressionAttributeNames: { '#revision': 'revision' },
              ExpressionAttributeValues: { ':revision': previous.revision },
            },
          }
        : put(
            { ...keys.post(next.postId), ...next, ...indexKeysOf(next) },
            'attribute_not_exists(pk)',
          ),
    ];
    if (!previous || previous.version !== next.version) {
      writes.push(
        put(
          { ...keys.postVersion(next.postId, next.version), ...versionOf(next) },
          'attribute_not_exists(pk)',
        ),
      );
    }
    const earlier = previous?.version === next.version ? previous.approvals.length : 0;
    for (const approval of next.approvals.slice(earlier)) {
      writes.push(
        put(
          {
            ...keys.approval(next.postId, approval.version, approval.stageId, approval.approverId),
            ...approval,
          },
          'attribute_not_exists(pk)',
        ),
      );
    }
    const wasListed = isLive(previous) ? previous : undefined;
    const listed = isLive(next) ? next : undefined;
    if (wasListed?.approvedAt && wasListed.approvedAt !== listed?.approvedAt) {
      for (const segment of wasListed.segments) {
        writes.push({
          Delete: {
            TableName: tableName,
            Key: keys.library(segment, wasListed.approvedAt, wasListed.postId),
          },
        });
      }
    }
    if (listed?.approvedAt && listed.approvedAt !== wasListed?.approvedAt) {
      for (const segment of listed.segments) {
        writes.push(
          put({
            ...keys.library(segment, listed.approvedAt, listed.postId),
            ...libraryEntryOf(listed, listed.approvedAt),
          }),
        );
      }
    }
    const lists = listingsOf(next);
    for (const [list, indexKeys] of lists) {
      writes.push(
        put({
          ...keys.postListing(next.postId, list),
          ...indexKeys,
          ...summaryOf(next),
          titleKey: sortText(next.title),
        }),
      );
    }
    for (const list of listingsOf(previous).keys()) {
      if (!lists.has(list)) {
        writes.push({ Delete: { TableName: tableName, Key: keys.postListing(next.postId, list) } });
      }
    }
    if (change.comment) {
      const c = change.comment;
      writes.push(
        put(
          { ...keys.comment(c.postId, c.version, c.at, c.commentId), ...c },
          'attribute_not_exists(pk)',
        ),
      );
    }
    return [...writes, ...(change.writes ?? [])];
  };

  const listVersions = (postId: string): Promise<PostVersion[]> =>
    itemsWithPrefix(
      tableName,
      { pk: keys.post(postId).pk, prefix: keys.postVersionPrefix },
      (item) => PostVersion.parse(withoutKeys(item)),
    );

  /**
   * A post stored before contributors were kept gets them rebuilt from its versions, never
   * guessed from the author and last editor alone; the next save stores them.
   */
  const postFrom = async (item: Record<string, unknown>): Promise<Post> => {
    const stored = withoutKeys(item);
    if (Array.isArray(stored.contributors)) return Post.parse(stored);
    const versions = await listVersions(String(stored.postId));
    return Post.parse({
      ...stored,
      contributors: contributorsFrom(
        {
          userId: String(stored.authorId),
          ...(typeof stored.authorEmail === 'string' ? { email: stored.authorEmail } : {}),
        },
        [...versions.map((v) => v.editedBy), String(stored.editedBy)],
      ),
    });
  };

  return {
    /** Writes the post's change, everything derived from it and its audit entries, atomically. */
    async save(next: Post, previous: Post | undefined, change: PostChange): Promise<void> {
      await audit.commit({
        stream: postStream(next.postId),
        records: change.records,
        writes: writesFor(next, previous, change),
        events: change.events ?? [],
        conflict:
          change.conflict ?? `Post ${next.postId} changed while this request was handled; retry`,
      });
    },

    async get(postId: string): Promise<Post> {
      const { Item } = await dynamo().send(
        new GetCommand({ TableName: tableName, Key: keys.post(postId), ConsistentRead: true }),
      );
      if (!Item || Item.status === 'deleted') throw new NotFoundError('Post', postId);
      return postFrom(Item);
    },

    async getVersion(postId: string, version: number): Promise<PostVersion> {
      const { Item } = await dynamo().send(
        new GetCommand({
          TableName: tableName,
          Key: keys.postVersion(postId, version),
          ConsistentRead: true,
        }),
      );
      if (!Item) throw new NotFoundError('Version', `${postId} v${version}`);
      return PostVersion.parse(withoutKeys(Item));
    },

    listVersions,

    /**
     * One page of the marketing list, served by one index (postListPlan says which) and
     * filtered within a bounded read: fewer than `limit` posts with a cursor means the budget
     * ran out first, not that the list ended.
     */
    async list(
      query: PostListQuery,
      page: { limit: number; cursor?: string | undefined; budget?: number },
    ): Promise<{ posts: PostSummary[]; order: 'title' | 'updated'; cursor?: string }> {
      const plan = postListPlan(query);
      const { items, cursor } = await indexPage(tableName, plan.range, {
        limit: page.limit,
        budget: page.budget ?? POST_PAGE_BUDGET,
        descending: plan.order === 'updated',
        cursor: page.cursor,
        filter: plan.filter,
        parse: (item) => PostSummary.parse(withoutKeys(item)),
      });
      return { posts: items, order: plan.order, ...(cursor ? { cursor } : {}) };
    },

    /** Every approval ever given to the post, across versions, oldest version first. */
    listApprovals(postId: string): Promise<Approval[]> {
      return itemsWithPrefix(
        tableName,
        { pk: keys.post(postId).pk, prefix: keys.approvalPrefix },
        (item) => Approval.parse(withoutKeys(item)),
      );
    },

    listComments(postId: string, version?: number): Promise<Comment[]> {
      return itemsWithPrefix(
        tableName,
        { pk: keys.post(postId).pk, prefix: keys.commentPrefix(version) },
        (item) => CommentSchema.parse(withoutKeys(item)),
      );
    },

    /** `alongside` commits with the comment (the request's stored answer). */
    async addComment(comment: Comment, alongside: readonly TransactItem[] = []): Promise<void> {
      const put = {
        TableName: tableName,
        Item: {
          ...keys.comment(comment.postId, comment.version, comment.at, comment.commentId),
          ...comment,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      };
      await dynamo().send(
        new TransactWriteCommand({ TransactItems: [{ Put: put }, ...alongside] }),
      );
    },

    /** Posts waiting in a role's review queue, oldest submission or earliest planned time first. */
    async reviewQueue(
      role: string,
      order: ReviewOrder,
      page: { limit: number; after?: string | undefined },
    ): Promise<{ posts: Post[]; next?: string }> {
      const index = order === 'oldest' ? 'gsi1' : 'gsi2';
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index,
          KeyConditionExpression: `${index}pk = :queue${page.after ? ` AND ${index}sk > :after` : ''}`,
          ExpressionAttributeValues: {
            ':queue': keys.reviewQueue(role),
            ...(page.after ? { ':after': page.after } : {}),
          },
          Limit: page.limit,
        }),
      );
      const last = Items.at(-1);
      return {
        posts: await Promise.all(Items.map(postFrom)),
        ...(LastEvaluatedKey && last ? { next: String(last[`${index}sk`]) } : {}),
      };
    },

    /** Live posts whose expiry or approval lifetime has passed, for the sweep. */
    async pastDeadline(now: Date, limit: number): Promise<Post[]> {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :deadlines AND gsi1sk <= :now',
          ExpressionAttributeValues: {
            ':deadlines': keys.postDeadlines,
            ':now': `${now.toISOString()}#\uffff`,
          },
          Limit: limit,
        }),
      );
      return Promise.all(Items.map(postFrom));
    },

    /**
     * Submitted posts still waiting for their compliance check, announced last (or submitted)
     * at or before `announcedBefore`, oldest first.
     */
    async awaitingCheck(announcedBefore: Date, limit: number): Promise<Post[]> {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :awaiting AND gsi1sk <= :before',
          ExpressionAttributeValues: {
            ':awaiting': keys.postsAwaitingCheck,
            ':before': `${announcedBefore.toISOString()}#\uffff`,
          },
          Limit: limit,
        }),
      );
      return Promise.all(Items.map(postFrom));
    },

    /**
     * Announces a post again (its compliance check never ran): the post moves to the back of the
     * waiting index, so the sweep looks at it once per interval, and the announcement is on the
     * post's record and in the outbox in the same transaction. False when the post moved on
     * meanwhile, or another sweep announced it since `announcedBefore` (of two overlapping
     * sweeps, one announces). The revision is untouched: this is bookkeeping, not a change
     * anyone could conflict with.
     */
    async reannounce(
      post: Post,
      announcedBefore: Date,
      at: Date,
      actor: string,
      events: readonly PendingEvent[],
    ): Promise<boolean> {
      return conditionalCommit(
        audit.commit({
          stream: postStream(post.postId),
          records: [
            {
              at: at.toISOString(),
              actor,
              action: 'post.reannounce',
              subject: { postId: post.postId, version: post.version },
              before: { status: post.status, version: post.version },
              after: { status: post.status, version: post.version },
            },
          ],
          writes: [
            {
              Update: {
                TableName: tableName,
                Key: keys.post(post.postId),
                UpdateExpression: 'SET gsi1sk = :sk',
                ConditionExpression:
                  'gsi1pk = :awaiting AND gsi1sk <= :due AND #revision = :revision',
                ExpressionAttributeNames: { '#revision': 'revision' },
                ExpressionAttributeValues: {
                  ':sk': `${at.toISOString()}#${post.postId}`,
                  ':due': `${announcedBefore.toISOString()}#\uffff`,
                  ':awaiting': keys.postsAwaitingCheck,
                  ':revision': post.revision,
                },
              },
            },
          ],
          conflict: `Post ${post.postId} moved on`,
          events,
        }),
      );
    },

    /**
     * One page of the posts in a status, from their status list (newest change first); `next`
     * starts the following page. For walks through every post in a state (the policy impact).
     */
    async byStatusPage(
      status: Post['status'],
      after: Record<string, unknown> | undefined,
      limit: number,
    ): Promise<{ posts: Post[]; next?: Record<string, unknown> }> {
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi3',
          KeyConditionExpression: 'gsi3pk = :status',
          ExpressionAttributeValues: { ':status': keys.postsByStatus(status) },
          ScanIndexForward: false,
          Limit: limit,
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      return {
        // The list holds each post's summary: the walk needs the whole post.
        posts: await Promise.all(
          Items.map((item) => this.get(PostSummary.parse(withoutKeys(item)).postId)),
        ),
        ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}),
      };
    },

    /**
     * The newest library entries of some segments, merged. `before` is the cursor of the last
     * entry already seen: every segment is read strictly below it, so pages neither skip nor
     * repeat. Each segment is read one entry past `limit`, so one segment with more than a page
     * still says there is a next.
     */
    async library(
      segments: readonly string[],
      page: { limit: number; before?: string | undefined },
    ): Promise<{ entries: LibraryEntry[]; next?: string }> {
      const perSegment = await Promise.all(
        segments.map(async (segment) => {
          const { Items = [] } = await dynamo().send(
            new QueryCommand({
              TableName: tableName,
              KeyConditionExpression: `pk = :pk${page.before ? ' AND sk < :before' : ''}`,
              ExpressionAttributeValues: {
                ':pk': keys.libraryOf(segment),
                ...(page.before ? { ':before': page.before } : {}),
              },
              ScanIndexForward: false,
              Limit: page.limit + 1,
            }),
          );
          return Items.map((item) => LibraryEntry.parse(withoutKeys(item)));
        }),
      );
      const cursorOf = (entry: LibraryEntry) => `${entry.approvedAt}#${entry.postId}`;
      const unique = new Map(perSegment.flat().map((entry) => [entry.postId, entry]));
      const all = [...unique.values()].sort((a, b) => (cursorOf(a) < cursorOf(b) ? 1 : -1));
      const entries = all.slice(0, page.limit);
      const last = entries.at(-1);
      return { entries, ...(all.length > page.limit && last ? { next: cursorOf(last) } : {}) };
    },
  };
};

export type PostStore = ReturnType<typeof createPostStore>;
