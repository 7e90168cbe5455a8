import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { dynamo } from '#shared/aws';
import type { PostSummary } from '#shared/posts/listing';
import { newPost } from '#shared/posts/post';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi } from '../fixtures/api-events';
import { content } from '../fixtures/posts';
import { TABLE } from './setup';

/**
 * `GET /posts` against DynamoDB Local: every list is read from its index, in its order; paging
 * finds every post once; the index entries follow every save (edit, submit, delete) in the same
 * transaction; a post's targets are checked when it is saved and submitted.
 */
let clock = Date.parse('2026-04-01T09:00:00.000Z');
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  // Every request a second later, so "newest first" has one right answer.
  now: () => {
    clock += 1000;
    return new Date(clock);
  },
};
const people = {
  mia: ['marketing'],
  max: ['marketing'],
  lou: ['legal'],
  ada: ['admin'],
  eve: ['employee'],
} as const;
type Person = keyof typeof people;

const call = (
  who: Person,
  routeKey: string,
  options: {
    body?: unknown;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `sub-${who}`, email: `${who}@acme.example`, groups: people[who] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
        ...(options.query ? { query: options.query } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const list = async (query: Record<string, string>, who: Person = 'mia') => {
  const answer = await call(who, 'GET /posts', { query });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as { posts: PostSummary[]; order: string; cursor?: string };
};

/** Every page of a list, `limit` at a time, and how many pages it took. */
const everyPage = async (query: Record<string, string>, limit: number) => {
  const posts: PostSummary[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await list({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    posts.push(...page.posts);
    cursor = page.cursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { posts, pages };
};

const create = async (who: Person, title: string, segments: string[], topics: string[] = []) => {
  const created = await call(who, 'POST /posts', {
    body: { title, variants: [{ text: `${title}, in one line.` }], segments, topics },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.post as { postId: string; version: number };
};

const ids = (posts: readonly { postId: string }[]) => posts.map((p) => p.postId);

/** The list entries stored under a post, by name: stale ones would show here. */
const entriesOf = async (postId: string) => {
  const { Items = [] } = await dynamo().send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :list)',
      ExpressionAttributeValues: { ':pk': keys.post(postId).pk, ':list': keys.postListingPrefix },
    }),
  );
  return Items.map((item) => String(item.sk)).sort();
};

type Made = { postId: string; version: number };
const made = {} as Record<'launch' | 'hiring' | 'elections' | 'fund' | 'office', Made>;

beforeAll(async () => {
  for (const segment of ['alpha', 'beta', 'gamma']) {
    const defined = await call('ada', 'PUT /segments/{segmentId}', {
      pathParameters: { segmentId: segment },
      body: { name: segment, rule: { all: [{ attribute: 'groups', in: [segment] }] } },
    });
    expect(defined.status, JSON.stringify(defined.body)).toBeLessThan(300);
  }
  made.launch = await create('mia', 'Élan launch: Q1', ['alpha'], ['news']);
  made.hiring = await create('max', 'Hiring in Lisbon', ['beta']);
  made.elections = await create('mia', 'elan update', ['alpha', 'beta'], ['news']);
  made.fund = await create('max', 'Fund results', ['gamma', 'alpha']);
  made.office = await create('mia', 'Office move', ['gamma']);
  const submitted = await call('mia', 'POST /posts/{postId}/submit', {
    pathParameters: { postId: made.office.postId },
  });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
});

describe('GET /posts lists', () => {
  it('every post, newest update first, by default', async () => {
    const page = await list({});
    expect(page.order).toBe('updated');
    expect(ids(page.posts)).toEqual(
      ids([made.office, made.fund, made.elections, made.hiring, made.launch]),
    );
    expect(page.cursor).toBeUndefined();
  });

  it('by status, newest first, with whom each waits on', async () => {
    const drafts = await list({ status: 'draft' });
    expect(ids(drafts.posts)).toEqual(ids([made.fund, made.elections, made.hiring, made.launch]));
    expect(drafts.posts[0]?.waitingOn).toEqual({ on: 'author', authorId: 'sub-max' });
    const submitted = await list({ status: 'submitted' });
    expect(ids(submitted.posts)).toEqual(ids([made.office]));
    expect(submitted.posts[0]?.waitingOn).toEqual({ on: 'compliance_check' });
  });

  it('by author, and by target segment, newest first', async () => {
    expect(ids((await list({ author: 'sub-max' })).posts)).toEqual(ids([made.fund, made.hiring]));
    expect(ids((await list({ segment: 'alpha' })).posts)).toEqual(
      ids([made.fund, made.elections, made.launch]),
    );
  });

  it('by title prefix, case and accents folded, in title order', async () => {
    const page = await list({ title: 'ELAN' });
    expect(page.order).toBe('title');
    // "elan launch q1" before "elan update".
    expect(ids(page.posts)).toEqual(ids([made.launch, made.elections]));
    expect(ids((await list({ title: 'élan u' })).posts)).toEqual(ids([made.elections]));
    expect((await list({ title: 'zzz' })).posts).toEqual([]);
  });

  it('applies the filters its index does not serve', async () => {
    expect(ids((await list({ segment: 'alpha', author: 'sub-mia' })).posts)).toEqual(
      ids([made.elections, made.launch]),
    );
    expect(ids((await list({ title: 'elan', topic: 'news', segment: 'beta' })).posts)).toEqual(
      ids([made.elections]),
    );
    expect(ids((await list({ author: 'sub-mia', status: 'submitted' })).posts)).toEqual(
      ids([made.office]),
    );
  });

  it('pages through a list finding every post exactly once, in order', async () => {
    const whole = await list({});
    for (const limit of [1, 2, 3]) {
      const { posts, pages } = await everyPage({}, limit);
      expect(ids(posts)).toEqual(ids(whole.posts));
      expect(pages).toBe(Math.ceil(whole.posts.length / limit));
    }
    const alpha = await everyPage({ segment: 'alpha', author: 'sub-mia' }, 1);
    expect(ids(alpha.posts)).toEqual(ids([made.elections, made.launch]));
  });

  it('reads at most its budget for a filtered page: fewer posts, still a cursor, until the end', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await deps.posts.list(
        { author: 'sub-max' },
        { limit: 10, budget: 2, ...(cursor ? { cursor } : {}) },
      );
      // `author` is the served index here; a filter on top is what the budget bounds.
      seen.push(...ids(page.posts));
      cursor = page.cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(ids([made.fund, made.hiring]));
    const filtered: string[] = [];
    const counts: number[] = [];
    cursor = undefined;
    do {
      const page = await deps.posts.list(
        { topic: 'news' },
        { limit: 10, budget: 2, ...(cursor ? { cursor } : {}) },
      );
      filtered.push(...ids(page.posts));
      counts.push(page.posts.length);
      cursor = page.cursor;
    } while (cursor);
    expect(filtered).toEqual(ids([made.elections, made.launch]));
    // Five posts read two at a time: three pages, one of them short of matches.
    expect(counts.length).toBe(3);
    expect(counts.some((n) => n < 2)).toBe(true);
    expect(pages).toBe(1);
  });

  it('refuses a cursor it did not hand out, or one of another list, with a 400', async () => {
    const forged = Buffer.from(
      JSON.stringify({ pk: 'POST#x', sk: 'LIST#ALL', gsi3pk: 'POSTS_AUTHOR#sub-max', gsi3sk: 'x' }),
    ).toString('base64url');
    for (const cursor of ['not-a-cursor', forged]) {
      const answer = await call('mia', 'GET /posts', { query: { cursor } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields[0].field).toBe('query.cursor');
    }
    const first = await list({ limit: '1', segment: 'alpha' });
    expect(first.cursor).toBeDefined();
    const elsewhere = await call('mia', 'GET /posts', {
      query: { segment: 'beta', cursor: first.cursor ?? '' },
    });
    expect(elsewhere.status).toBe(400);
  });

  it('is for marketing, legal and admin; an employee is refused', async () => {
    expect((await list({}, 'lou')).posts.length).toBe(5);
    expect((await list({}, 'ada')).posts.length).toBe(5);
    expect((await call('eve', 'GET /posts')).status).toBe(403);
  });
});

describe('the list entries follow every save', () => {
  it('an edit moves the post in title, segment and time order; a submit moves its status; a delete removes it', async () => {
    const post = await create('mia', 'Spring picnic', ['alpha', 'beta']);
    expect(await entriesOf(post.postId)).toEqual(
      [
        'LIST#ALL',
        'LIST#AUTHOR',
        'LIST#SEGMENT#alpha',
        'LIST#SEGMENT#beta',
        'LIST#STATUS',
        'LIST#TITLE',
      ].sort(),
    );
    const edited = await call('mia', 'PUT /posts/{postId}', {
      pathParameters: { postId: post.postId },
      body: {
        version: 1,
        title: 'Summer picnic',
        variants: [{ text: 'Summer picnic, in one line.' }],
        segments: ['gamma', 'beta'],
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(ids((await list({ title: 'spring' })).posts)).toEqual([]);
    expect(ids((await list({ title: 'summer' })).posts)).toEqual([post.postId]);
    expect(ids((await list({ segment: 'alpha' })).posts)).not.toContain(post.postId);
    expect(ids((await list({ segment: 'gamma' })).posts)[0]).toBe(post.postId);
    expect((await list({ segment: 'gamma' })).posts[0]?.title).toBe('Summer picnic');
    expect(await entriesOf(post.postId)).toEqual(
      [
        'LIST#ALL',
        'LIST#AUTHOR',
        'LIST#SEGMENT#beta',
        'LIST#SEGMENT#gamma',
        'LIST#STATUS',
        'LIST#TITLE',
      ].sort(),
    );
    // Edited last: first among every post.
    expect(ids((await list({})).posts)[0]).toBe(post.postId);

    const submitted = await call('mia', 'POST /posts/{postId}/submit', {
      pathParameters: { postId: post.postId },
    });
    expect(submitted.status).toBe(200);
    expect(ids((await list({ status: 'draft' })).posts)).not.toContain(post.postId);
    expect(ids((await list({ status: 'submitted' })).posts)[0]).toBe(post.postId);
    expect((await list({ segment: 'beta' })).posts[0]).toMatchObject({
      postId: post.postId,
      status: 'submitted',
    });

    const draft = await create('max', 'Short-lived', ['gamma']);
    const deleted = await call('max', 'DELETE /posts/{postId}', {
      pathParameters: { postId: draft.postId },
    });
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(await entriesOf(draft.postId)).toEqual([]);
    const lists: Record<string, string>[] = [
      {},
      { author: 'sub-max' },
      { segment: 'gamma' },
      { title: 'short' },
    ];
    for (const query of lists) {
      expect(ids((await list(query)).posts)).not.toContain(draft.postId);
    }
  });
});

describe("a post's targets", () => {
  it('are refused when a segment is not defined, naming it, on create and on edit', async () => {
    const created = await call('mia', 'POST /posts', {
      body: {
        title: 'Nowhere',
        variants: [{ text: 'Hello.' }],
        segments: ['alpha', 'nobody-here'],
      },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain('nobody-here');
    expect(created.body.error.fields).toEqual([
      { field: 'body.segments.1', message: 'segment nobody-here is not defined' },
    ]);
    const edited = await call('mia', 'PUT /posts/{postId}', {
      pathParameters: { postId: made.launch.postId },
      body: { version: 1, title: 'Élan', variants: [{ text: 'Hi.' }], segments: ['ghosts'] },
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error.message).toContain('ghosts');
  });

  it('refuse a variant for a segment the post does not target, naming it, on create and on edit', async () => {
    const created = await call('mia', 'POST /posts', {
      body: {
        title: 'For some',
        variants: [{ text: 'Hello all.' }, { text: 'Hello beta.', segments: ['alpha', 'beta'] }],
        segments: ['alpha'],
      },
    });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain('beta');
    expect(created.body.error.fields).toEqual([
      {
        field: 'body.variants.1.segments.1',
        message: 'segment beta is not one of the post’s target segments',
      },
    ]);
    const edited = await call('mia', 'PUT /posts/{postId}', {
      pathParameters: { postId: made.launch.postId },
      body: {
        version: 1,
        title: 'Élan launch: Q1',
        variants: [{ text: 'Hi gamma.', segments: ['gamma'] }],
        segments: ['alpha'],
      },
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error.message).toContain('gamma');
    const fitting = await call('mia', 'POST /posts', {
      body: {
        title: 'For some, fitting',
        variants: [{ text: 'Hello all.' }, { text: 'Hello beta.', segments: ['beta'] }],
        segments: ['alpha', 'beta'],
      },
    });
    expect(fitting.status, JSON.stringify(fitting.body)).toBe(201);
    expect(fitting.body.post.variants[1].segments).toEqual(['beta']);
    await call('mia', 'DELETE /posts/{postId}', {
      pathParameters: { postId: fitting.body.post.postId },
    });
  });

  it('are checked again on submit, for a post saved before the check existed', async () => {
    const old = newPost(
      content({ segments: ['alpha', 'retired'] }),
      { postId: 'post_saved_before', author: { userId: 'sub-mia' } },
      undefined,
      new Date(clock),
    );
    await deps.posts.save(old, undefined, { records: [] });
    const submitted = await call('mia', 'POST /posts/{postId}/submit', {
      pathParameters: { postId: old.postId },
    });
    expect(submitted.status).toBe(400);
    expect(submitted.body.error.fields).toEqual([
      { field: 'post.segments.1', message: 'segment retired is not defined' },
    ]);
    expect((await deps.posts.get(old.postId)).status).toBe('draft');
  });
});
