import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { dynamo } from '#shared/aws';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const people = {
  mia: ['marketing'],
  max: ['marketing'],
  ada: ['admin'],
} as const;
type Person = keyof typeof people;
const call = (
  who: Person,
  routeKey: string,
  options: {
    body?: unknown;
    pathParameters?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
) =>
  callApi(
    (() => {
      const event = apiEvent(
        routeKey,
        { sub: `user-${who}`, email: `${who}@outbox.acme.example`, groups: [...people[who]] },
        {
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
        },
      );
      return { ...event, headers: { ...event.headers, ...options.headers } };
    })(),
    deps,
  ).then((response) => ({
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body ?? '{}'),
  }));

/**
 * The reply of the next DynamoDB transaction is lost after it committed, as when the function
 * times out or its connection drops between DynamoDB's answer and ours.
 */
let loseNextTransactionReply = false;
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    if (loseNextTransactionReply && context.commandName === 'TransactWriteItemsCommand') {
      loseNextTransactionReply = false;
      throw new Error('socket hang up (after the commit)');
    }
    return result;
  },
  { step: 'deserialize', name: 'loseReplyAfterCommit' },
);

const segment = `obx-${Math.random().toString(36).slice(2, 8)}`;
let postId: string;

/** An approved post, ready for campaigns. */
beforeAll(async () => {
  await call('ada', 'PUT /segments/{segmentId}', {
    pathParameters: { segmentId: segment },
    body: { name: 'Outbox test', rule: { all: [{ attribute: 'groups', in: [segment] }] } },
  });
  const created = await call('mia', 'POST /posts', {
    body: { title: 'Launch', variants: [{ text: 'We launched today.' }], segments: [segment] },
  });
  postId = created.body.post.postId;
  await call('mia', 'POST /posts/{postId}/submit', { pathParameters: { postId } });
  await checkSubmittedPost(
    { postId, version: 1, from: 'draft', to: 'submitted', actor: 'user-mia' },
    {
      posts: deps.posts,
      policy: () => deps.compliancePolicies.current(),
      approvalPolicy: async () => defaultApprovalPolicy,
      now: () => new Date(),
    },
  );
  const approved = await call('max', 'POST /posts/{postId}/approve', {
    pathParameters: { postId },
    body: { version: 1 },
  });
  expect(approved.status).toBe(200);
});

describe('Idempotency-Key answers committed with their effect', () => {
  it('answers the retry of a POST /campaigns whose first reply was lost after the commit with the same campaign, and makes only one', async () => {
    const request = {
      body: { postId, scheduledAt: new Date().toISOString(), networks: ['sandbox'] },
      headers: { 'idempotency-key': `campaign-${postId}` },
    };
    loseNextTransactionReply = true;
    const first = await call('mia', 'POST /campaigns', request);
    expect(first.status).toBe(500);
    expect(loseNextTransactionReply).toBe(false);

    const retry = await call('mia', 'POST /campaigns', request);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    const campaigns = await deps.campaigns.ofPost(postId);
    expect(campaigns).toHaveLength(1);
    expect(retry.body.campaign.campaignId).toBe(campaigns[0]?.campaignId);
  });
});
