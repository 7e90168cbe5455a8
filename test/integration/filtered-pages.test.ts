import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { PAGE_BUDGET } from '#functions/api/filtered-pages';
import { defaultApprovalPolicy, planReview } from '#shared/approvals/policy';
import { dynamo } from '#shared/aws';
import { checkCompliance } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import type { Employee } from '#shared/employees/employee';
import { newEmployeeId, newPostId } from '#shared/ids';
import { libraryEntryOf } from '#shared/posts/library';
import { newPost } from '#shared/posts/post';
import { applyActions, auditRecordOf } from '#shared/posts/transitions';
import { batchWriteItems } from '#shared/store/batch';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi } from '../fixtures/api-events';
import { caller, content } from '../fixtures/posts';
import { optedIn, seedEmployees } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });

/** Queries of the review queue and of the library while `watching`: the pages a request reads. */
let watching = false;
const reads = { queue: 0, library: 0 };
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const values = (args.input as { ExpressionAttributeValues?: Record<string, unknown> })
      .ExpressionAttributeValues;
    if (watching && context.commandName === 'QueryCommand') {
      if (String(values?.[':queue']).startsWith('REVIEW#')) reads.queue += 1;
      if (String(values?.[':pk']).startsWith('LIBRARY#')) reads.library += 1;
    }
    return next(args);
  },
  { step: 'initialize', name: 'countListPages' },
);

const call = async (
  who: { sub: string; email: string; groups: string[] },
  routeKey: string,
  query: Record<string, string>,
) => {
  watching = true;
  reads.queue = 0;
  reads.library = 0;
  try {
    const response = await callApi(apiEvent(routeKey, who, { query }), deps);
    return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
  } finally {
    watching = false;
  }
};

/** Every page from the first to the one without a cursor, and what each request read. */
const pageThrough = async (
  who: Parameters<typeof call>[0],
  routeKey: string,
  query: Record<string, string>,
  itemsOf: (body: Record<string, unknown>) => { postId: string }[],
) => {
  const pages: { ids: string[]; cursor?: string; queue: number; library: number }[] = [];
  let cursor: string | undefined;
  do {
    const { status, body } = await call(who, routeKey, { ...query, ...(cursor ? { cursor } : {}) });
    expect(status, JSON.stringify(body)).toBe(200);
    cursor = body.cursor;
    pages.push({ ids: itemsOf(body).map((i) => i.postId), cursor, ...reads });
    expect(pages.length).toBeLessThan(100);
  } while (cursor);
  return pages;
};

describe('the review queue reads a bounded number of pages per request', () => {
  const mia = { sub: 'user-mia', email: 'user-mia@acme.example', groups: ['marketing'] };
  const others: string[] = [];

  beforeAll(async () => {
    // Mia's own posts, which she may not review, around five she may: 12 first, 5, then 2.
    const authors = [
      ...Array<string>(12).fill('user-mia'),
      ...Array<string>(5).fill('author'),
      ...Array<string>(2).fill('user-mia'),
    ];
    const start = Date.now() - 3_600_000;
    for (const [i, authorId] of authors.entries()) {
      const at = new Date(start + i * 1000);
      const author = caller(authorId, 'marketing');
      const draft = newPost(
        content({ title: `Queued ${i}` }),
        { postId: newPostId(), author },
        undefined,
        at,
      );
      await deps.posts.save(draft, undefined, {
        records: [auditRecordOf(undefined, draft, { type: 'create' }, authorId)],
      });
      const compliance = checkCompliance(draft, defaultPolicy, at);
      await applyActions(
        { posts: deps.posts },
        draft,
        [
          { type: 'submit', by: author },
          { type: 'complianceChecked', compliance },
          { type: 'startReview', plan: planReview(draft, compliance, defaultApprovalPolicy) },
        ],
        { actor: authorId, at },
      );
      if (authorId === 'author') others.push(draft.postId);
    }
  });

  it('answers within its page budget with a cursor, and paging to the end finds each post once', async () => {
    const pages = await pageThrough(mia, 'GET /reviews', { limit: '2' }, (body) =>
      (body.items as { post: { postId: string } }[]).map((i) => i.post),
    );
    for (const page of pages) expect(page.queue).toBeLessThanOrEqual(PAGE_BUDGET);
    // The first request read its budget of Mia's own posts and found nothing, yet goes on.
    expect(pages[0]).toMatchObject({ ids: [], queue: PAGE_BUDGET });
    expect(pages[0]?.cursor).toBeDefined();
    expect(pages.flatMap((p) => p.ids)).toEqual(others);
  });

  it('refuses a forged cursor with 400, not 500', async () => {
    const { status } = await call(mia, 'GET /reviews', { cursor: 'x'.repeat(301) });
    expect(status).toBe(400);
  });
});

describe('the library reads a bounded number of pages per request', () => {
  const eve = { sub: 'user-eve', email: 'eve@library.acme.example', groups: ['employee'] };
  const department = 'Library readers';
  const segments = ['lib-a', 'lib-b'];
  const mine: string[] = [];

  beforeAll(async () => {
    for (const segmentId of segments) {
      await deps.segments.put(
        {
          segmentId,
          name: segmentId,
          rule: { all: [{ attribute: 'department', in: [department] }] },
          updatedBy: 'admin',
          updatedAt: new Date().toISOString(),
        },
        await deps.segments.get(segmentId).catch(() => undefined),
      );
    }
    const now = new Date();
    const employee: Employee = {
      email: eve.email,
      version: 1,
      name: 'Eve Reader',
      department,
      groups: [],
      timeZone: 'Europe/London',
      employeeId: newEmployeeId(),
      status: 'active',
      createdAt: now.toISOString(),
      consent: optedIn({ topics: ['company'] }),
      connections: {},
    };
    await seedEmployees(TABLE, [employee]);
    // Newest first: 30 entries on another topic in lib-a, then hers spread over both segments
    // (one in both), then 10 more on another topic in lib-b.
    const entries: { segments: string[]; topic: string }[] = [
      ...Array.from({ length: 30 }, () => ({ segments: ['lib-a'], topic: 'markets' })),
      { segments: ['lib-a'], topic: 'company' },
      { segments: ['lib-a', 'lib-b'], topic: 'company' },
      { segments: ['lib-b'], topic: 'company' },
      ...Array.from({ length: 10 }, () => ({ segments: ['lib-b'], topic: 'markets' })),
      { segments: ['lib-b'], topic: 'company' },
    ];
    const items = entries.flatMap((entry, i) => {
      const approvedAt = new Date(now.getTime() - (i + 1) * 60_000).toISOString();
      const post = newPost(
        content({ title: `Library ${i}`, topics: [entry.topic], segments: entry.segments }),
        { postId: newPostId(), author: caller('author', 'marketing') },
        undefined,
        now,
      );
      if (entry.topic === 'company') mine.push(post.postId);
      return entry.segments.map((segment) => ({
        PutRequest: {
          Item: {
            ...keys.library(segment, approvedAt, post.postId),
            ...libraryEntryOf(post, approvedAt),
          },
        },
      }));
    });
    await batchWriteItems(TABLE, items);
  });

  it('answers within its page budget with a cursor, and paging to the end finds each post once', async () => {
    const pages = await pageThrough(
      eve,
      'GET /library',
      { limit: '3' },
      (body) => body.posts as { postId: string }[],
    );
    for (const page of pages) {
      expect(page.library).toBeLessThanOrEqual(PAGE_BUDGET * segments.length);
    }
    expect(pages[0]).toMatchObject({ ids: [] });
    expect(pages[0]?.cursor).toBeDefined();
    expect(pages.flatMap((p) => p.ids)).toEqual(mine);
  });

  it('goes on past one segment holding more than a page', async () => {
    const pages = await pageThrough(
      eve,
      'GET /library',
      { limit: '5', topic: 'markets' },
      (body) => body.posts as { postId: string }[],
    );
    expect(pages.flatMap((p) => p.ids)).toHaveLength(40);
    expect(new Set(pages.flatMap((p) => p.ids)).size).toBe(40);
  });
});
