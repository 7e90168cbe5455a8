import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { dynamo } from '#shared/aws';
import { apiEvent, callApi } from '../fixtures/api-events';
import { defineSegment } from '../fixtures/segments';
import { TABLE } from './setup';

/**
 * Every route that takes an Idempotency-Key stores its answer in the transaction of its effect:
 * when the reply is lost after the commit, the client's retry gets the first answer back instead
 * of a 409 ("already exists") or a second comment.
 */
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const people = { mia: ['marketing'], lee: ['legal'], ada: ['admin'] } as const;
type Person = keyof typeof people;

const call = (
  who: Person,
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string>; key?: string } = {},
) => {
  const event = apiEvent(
    routeKey,
    { sub: `user-${who}`, email: `${who}@answers.acme.example`, groups: [...people[who]] },
    {
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    },
  );
  const headers = { ...event.headers, ...(options.key ? { 'idempotency-key': options.key } : {}) };
  return callApi({ ...event, headers }, deps).then((response) => ({
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body ?? '{}'),
  }));
};

/**
 * The reply of the next write of the request's effect is lost after DynamoDB committed it (the
 * Idempotency-Key's own claim, written first, goes through).
 */
const WRITES = new Set(['TransactWriteItemsCommand', 'PutItemCommand', 'UpdateItemCommand']);
const claimsAKey = (input: unknown) =>
  (input as { Item?: { pk?: { S?: string } } }).Item?.pk?.S?.startsWith('IDEMPOTENCY#') ?? false;
let loseNextTransactionReply = false;
dynamo().middlewareStack.add(
  (next, context) => async (args) => {
    const result = await next(args);
    const effect = WRITES.has(context.commandName ?? '') && !claimsAKey(args.input);
    if (loseNextTransactionReply && effect) {
      loseNextTransactionReply = false;
      throw new Error('socket hang up (after the commit)');
    }
    return result;
  },
  { step: 'deserialize', name: 'loseAnswerAfterCommit' },
);

/** Calls once with the reply lost after the commit, then retries with the same key. */
const retriedAfterLostReply = async (
  ...args: Parameters<typeof call>
): Promise<Awaited<ReturnType<typeof call>>> => {
  loseNextTransactionReply = true;
  const first = await call(...args);
  expect(first.status).toBe(500);
  expect(loseNextTransactionReply).toBe(false);
  const retry = await call(...args);
  expect(retry.headers['idempotent-replayed']).toBe('true');
  return retry;
};

let postId: string;
beforeAll(async () => {
  await defineSegment(deps.segments, 'everyone');
  const created = await call('mia', 'POST /posts', {
    body: { title: 'Answers', variants: [{ text: 'We launched today.' }], segments: ['everyone'] },
  });
  expect(created.status).toBe(201);
  postId = created.body.post.postId;
});

describe('answers stored with their effect', () => {
  it('POST /employees: the retry returns the person made, not a 409 for their own email', async () => {
    const email = `new-${Math.random().toString(36).slice(2, 8)}@answers.acme.example`;
    const retry = await retriedAfterLostReply('ada', 'POST /employees', {
      body: { email, name: 'New Person' },
      key: `employee-${email}`,
    });
    expect(retry.status).toBe(201);
    const holder = await deps.employees.findByEmail(email);
    expect(retry.body.employee.employeeId).toBe(holder);
  });

  it('POST /posts/{postId}/comments: the retry returns the one comment written', async () => {
    const retry = await retriedAfterLostReply('lee', 'POST /posts/{postId}/comments', {
      pathParameters: { postId },
      body: { text: 'Please add the risk warning.' },
      key: `comment-${postId}`,
    });
    expect(retry.status).toBe(201);
    const comments = await deps.posts.listComments(postId, undefined);
    expect(comments).toHaveLength(1);
    expect(retry.body.comment.commentId).toBe(comments[0]?.commentId);
  });
});

describe('answers stored with their effect: recognition and imports', () => {
  const thanksItems = async (employeeId: string) =>
    (await deps.recognition.thanksFor(employeeId, { limit: 100 })).items.map((t) => t.thanksId);

  it('POST /recognition/thanks to one person: the retry returns the one thanks, sent once', async () => {
    const email = `thanked-${Math.random().toString(36).slice(2, 8)}@answers.acme.example`;
    const made = await call('ada', 'POST /employees', { body: { email, name: 'Thanked Once' } });
    const employeeId: string = made.body.employee.employeeId;
    const retry = await retriedAfterLostReply('mia', 'POST /recognition/thanks', {
      body: { employeeId, message: 'Thank you for sharing the launch.' },
      key: `thanks-${employeeId}`,
    });
    expect(retry.status).toBe(201);
    expect(await thanksItems(employeeId)).toEqual([retry.body.thanksId]);
  });

  it('POST /recognition/thanks to a segment: the retry returns the same job, started once', async () => {
    const segmentId = `answers-${Math.random().toString(36).slice(2, 8)}`;
    const email = `${segmentId}@answers.acme.example`;
    await call('ada', 'POST /employees', { body: { email, name: 'In A Segment' } });
    const defined = await call('mia', 'PUT /segments/{segmentId}', {
      pathParameters: { segmentId },
      body: { name: 'Answers team', members: [email] },
    });
    expect(defined.status).toBe(200);
    const retry = await retriedAfterLostReply('mia', 'POST /recognition/thanks', {
      body: { segmentId, message: 'Thank you, team.' },
      key: `thanks-${segmentId}`,
    });
    expect(retry.status).toBe(202);
    expect(retry.body.job).toMatchObject({ kind: 'segmentThanks', state: 'queued' });
    const job = await deps.jobs.get(retry.body.job.jobId);
    expect(job.thanks?.thanks.thanksId).toBe(retry.body.thanksId);
  });

  it('POST /employees/import with the file inline: the retry returns the same job, not a second', async () => {
    const email = `imported-${Math.random().toString(36).slice(2, 8)}@answers.acme.example`;
    const csv = `email,name\n${email},Imported Person\n`;
    const retry = await retriedAfterLostReply('ada', 'POST /employees/import', {
      body: { csv },
      key: `import-${email}`,
    });
    expect(retry.status).toBe(202);
    expect(retry.body.job).toMatchObject({ state: 'queued', rowsTotal: 1, partsReceived: [1] });
    const job = await deps.jobs.get(retry.body.job.jobId);
    expect(job).toMatchObject({ state: 'queued', rowsTotal: 1 });
    expect(await deps.jobs.partText(job.jobId, 1)).toBe(csv);
  });
});
