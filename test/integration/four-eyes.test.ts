import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { dynamo } from '#shared/aws';
import { defaultPolicy } from '#shared/compliance/policy';
import { keys } from '#shared/store/keys';
import { apiEvent, callApi } from '../fixtures/api-events';
import { outboxFeed } from '../fixtures/outbox';
import { defineSegment } from '../fixtures/segments';
import { TABLE } from './setup';

/** The submissions are read from the outbox, as the relay reads them. */
const outbox = outboxFeed(TABLE);
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const people = {
  mia: ['marketing'],
  max: ['marketing'],
  mo: ['marketing'],
  lou: ['marketing', 'legal'],
  lea: ['marketing', 'legal'],
  lex: ['legal'],
  ada: ['admin'],
} as const;
type Person = keyof typeof people;

const call = (
  who: Person,
  routeKey: string,
  options: { body?: unknown; postId?: string; query?: Record<string, string> } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `user-${who}`, email: `${who}@eyes.acme.example`, groups: [...people[who]] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.postId ? { pathParameters: { postId: options.postId } } : {}),
        ...(options.query ? { query: options.query } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const content = (title: string, text: string) => ({
  title,
  variants: [{ text }],
  segments: ['sales'],
});

beforeAll(() => defineSegment(deps.segments, 'sales'));

/** Runs the compliance check the bus would run for each submission so far. */
const checkSubmissions = async () => {
  for (const e of (await outbox.take()).filter((e) => e.detailType === 'PostSubmitted')) {
    await checkSubmittedPost(e.detail as never, {
      posts: deps.posts,
      policy: async () => defaultPolicy,
      approvalPolicy: () => deps.approvalPolicies.current(),
      now: () => new Date(),
    });
  }
};

/** M1 (mia) writes, M2 (max) rewrites the copy, M1 changes only the title: v3 is max's words. */
const rewrittenThenRetitled = async () => {
  const created = await call('mia', 'POST /posts', {
    body: content('Hiring', 'We are hiring.'),
  });
  const postId: string = created.body.post.postId;
  const rewrite = content('Hiring', 'Come and build the future with us.');
  expect(
    (await call('max', 'PUT /posts/{postId}', { postId, body: { ...rewrite, version: 1 } })).status,
  ).toBe(200);
  const retitled = await call('mia', 'PUT /posts/{postId}', {
    postId,
    body: { ...rewrite, title: 'Hiring now', version: 2 },
  });
  expect(retitled.body.post).toMatchObject({ version: 3, editedBy: 'user-mia' });
  return postId;
};

const submitAndCheck = async (postId: string) => {
  expect((await call('mia', 'POST /posts/{postId}/submit', { postId })).status).toBe(200);
  await checkSubmissions();
  expect((await deps.posts.get(postId)).status).toBe('in_review');
};

describe('four eyes across every version', () => {
  it('refuses the approval of someone whose words are in the post, though the author edited last', async () => {
    const postId = await rewrittenThenRetitled();
    await submitAndCheck(postId);
    const byRewriter = await call('max', 'POST /posts/{postId}/approve', {
      postId,
      body: { version: 3 },
    });
    expect(byRewriter.status).toBe(403);
    expect(byRewriter.body.error.code).toBe('forbidden');
    const byOther = await call('mo', 'POST /posts/{postId}/approve', {
      postId,
      body: { version: 3 },
    });
    expect(byOther.status).toBe(200);
    expect(byOther.body.post.status).toBe('approved');
  });

  it('rebuilds the writers of a post stored before they were kept, from its versions', async () => {
    const postId = await rewrittenThenRetitled();
    // A post item as an older Chorus wrote it: no record of who contributed.
    await dynamo().send(
      new UpdateCommand({
        TableName: TABLE,
        Key: keys.post(postId),
        UpdateExpression: 'REMOVE contributors',
      }),
    );
    await submitAndCheck(postId);
    const byRewriter = await call('max', 'POST /posts/{postId}/approve', {
      postId,
      body: { version: 3 },
    });
    expect(byRewriter.status).toBe(403);
    // Read back, the writers are the author and every editor, as its versions say.
    const stored = await deps.posts.get(postId);
    expect(stored.contributors.map((c) => c.userId).sort()).toEqual(['user-max', 'user-mia']);
  });
});

const email = (who: Person) => `${who}@eyes.acme.example`;

describe('a stage whose every named reviewer wrote the post', () => {
  it('waits in the queue saying so, until an admin names a reviewer who did not', async () => {
    const current = await deps.approvalPolicies.current();
    const policy = await call('ada', 'PUT /policies/approval', {
      body: {
        version: current.version,
        stages: [
          { id: 'brand', name: 'Brand', role: 'marketing', appliesTo: 'unregulated' },
          {
            id: 'counsel',
            name: 'Counsel',
            role: 'legal',
            reviewers: [email('lou'), email('lea')],
            appliesTo: 'regulated',
          },
        ],
        regulated: { topics: ['funds'] },
      },
    });
    expect(policy.status).toBe(200);
    const created = await call('mia', 'POST /posts', {
      body: { ...content('Funds', 'Our funds, explained.'), topics: ['funds'] },
    });
    const postId: string = created.body.post.postId;
    for (const [version, who] of [
      [1, 'lou'],
      [2, 'lea'],
    ] as const) {
      const edited = await call(who, 'PUT /posts/{postId}', {
        postId,
        body: {
          ...content('Funds', `Our funds, explained by ${who}.`),
          topics: ['funds'],
          version,
        },
      });
      expect(edited.status).toBe(200);
    }
    await submitAndCheck(postId);

    const queue = await call('lou', 'GET /reviews', { query: { role: 'legal' } });
    const item = queue.body.items.find(
      (i: { post: { postId: string } }) => i.post.postId === postId,
    );
    expect(item?.noEligibleReviewer).toBe(
      'no eligible reviewer: every legal reviewer named for the Counsel stage wrote or edited this post; an admin can name others',
    );
    expect(
      (await call('lou', 'POST /posts/{postId}/approve', { postId, body: { version: 3 } })).status,
    ).toBe(403);

    const name = (who: Person, reviewers: string[]) =>
      call(who, 'PUT /posts/{postId}/reviewers', {
        postId,
        body: { stageId: 'counsel', reviewers, version: 3 },
      });
    expect((await name('mia', [email('lex')])).status).toBe(403);
    const writer = await name('ada', [email('lex'), email('lea')]);
    expect(writer.status).toBe(400);
    expect(writer.body.error.fields).toEqual([
      { field: 'reviewers', message: `${email('lea')} wrote or edited this post` },
    ]);
    expect((await name('ada', [email('lex')])).body.post.review.stages[0]).toMatchObject({
      id: 'counsel',
      reviewers: [email('lex')],
      namedBy: 'user-ada',
    });

    const lexQueue = await call('lex', 'GET /reviews', { query: { role: 'legal' } });
    const named = lexQueue.body.items.find(
      (i: { post: { postId: string } }) => i.post.postId === postId,
    );
    expect(named).toBeDefined();
    expect(named.noEligibleReviewer).toBeUndefined();
    const approved = await call('lex', 'POST /posts/{postId}/approve', {
      postId,
      body: { version: 3 },
    });
    expect(approved.body.post.status).toBe('approved');

    const audit = await call('ada', 'GET /audit', { query: { postId } });
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        action: 'post.nameReviewers',
        actor: 'user-ada',
        after: expect.objectContaining({
          stageId: 'counsel',
          reviewers: [email('lex')],
          replaced: [email('lou'), email('lea')],
        }),
      }),
    );
  });
});
