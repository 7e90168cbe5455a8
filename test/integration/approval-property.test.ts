import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import type { ApiEvent } from '#functions/api/http';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import type { Role } from '#shared/auth/roles';
import { defaultPolicy } from '#shared/compliance/policy';
import type { PendingEvent } from '#shared/events/publisher';
import { contentHashOf } from '#shared/posts/content-hash';
import type { Post } from '#shared/posts/post';
import { apiEvent, callApi } from '../fixtures/api-events';
import { TABLE } from './setup';

/**
 * Random sequences of API calls by random people, against the real router and DynamoDB Local.
 * Whatever happens, a post that reaches `approved` (or `scheduled`) has every approval its
 * review plan asks for, none by its author or editor, all of its current version and content.
 */
const events: PendingEvent[] = [];
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE, EVENT_BUS_NAME: 'unused' }),
  publish: async (published: readonly PendingEvent[]) => {
    events.push(...published);
  },
};
const complianceDeps = {
  posts: deps.posts,
  policy: async () => defaultPolicy,
  approvalPolicy: () => deps.approvalPolicies.current(),
  publish: deps.publish,
  now: () => new Date(),
};

const PEOPLE: Record<string, Role[]> = {
  mia: ['marketing'],
  max: ['marketing'],
  lou: ['legal'],
  lea: ['legal'],
  both: ['marketing', 'legal'],
  ada: ['admin'],
  eve: ['employee'],
};
const person = fc.constantFrom(...Object.keys(PEOPLE));

const POLICIES = [
  {
    stages: [
      { id: 'marketing', name: 'Marketing', role: 'marketing', appliesTo: 'unregulated' },
      { id: 'legal', name: 'Legal', role: 'legal', appliesTo: 'regulated' },
    ],
  },
  {
    autoApproveClean: true,
    stages: [
      { id: 'brand', name: 'Brand', role: 'marketing' },
      { id: 'legal', name: 'Legal', role: 'legal', appliesTo: 'regulated' },
    ],
  },
  {
    stages: [
      { id: 'brand', name: 'Brand', role: 'marketing', appliesTo: 'unregulated' },
      {
        id: 'counsel',
        name: 'Counsel',
        role: 'legal',
        mode: 'all',
        reviewers: ['lou@acme.example', 'lea@acme.example'],
      },
    ],
    regulated: { topics: ['funds'] },
  },
];

const COPY = [
  'Our quarter in one chart.',
  'We guarantee a great event.',
  'Nobody can guarantee markets; {{company}} funds are open.',
  'Hello from {{employee.firstName}}.',
];

type Step =
  | { kind: 'create'; by: string; copy: number; funds: boolean }
  | { kind: 'edit'; by: string; post: number; copy: number; stale: boolean }
  | { kind: 'submit' | 'withdraw' | 'schedule'; by: string; post: number }
  | { kind: 'approve' | 'reject' | 'requestChanges'; by: string; post: number; stale: boolean }
  | { kind: 'check' }
  | { kind: 'policy'; by: string; policy: number };

const forPost = fc.nat(3);
/** Stale versions one time in four: often enough to test, rare enough to let reviews finish. */
const sometimes = fc.nat(3).map((n) => n === 0);
/** Weighted so random runs often get as far as review and approval. */
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      by: person,
      copy: fc.nat(COPY.length - 1),
      funds: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      by: person,
      post: forPost,
      copy: fc.nat(COPY.length - 1),
      stale: sometimes,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), by: person, post: forPost }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'check' as const }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('approve' as const),
      by: person,
      post: forPost,
      stale: sometimes,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('reject' as const, 'requestChanges' as const),
      by: person,
      post: forPost,
      stale: sometimes,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('withdraw' as const, 'schedule' as const),
      by: person,
      post: forPost,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('policy' as const),
      by: person,
      policy: fc.nat(POLICIES.length - 1),
    }),
  },
);

const request = (
  by: string,
  routeKey: string,
  options: { postId?: string; body?: unknown } = {},
): ApiEvent =>
  apiEvent(
    routeKey,
    { sub: `user-${by}`, email: `${by}@acme.example`, groups: PEOPLE[by] ?? [] },
    {
      ...(options.postId ? { pathParameters: { postId: options.postId } } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    },
  );

const call = (event: ApiEvent) => callApi(event, deps);

/** The invariant, checked from the stored post alone, independently of the workflow code. */
const assertApprovalIsEarned = (post: Post) => {
  if (post.status !== 'approved' && post.status !== 'scheduled') return;
  const plan = post.review;
  expect(plan, `${post.postId} approved without a review plan`).toBeDefined();
  if (!plan) return;
  const hash = contentHashOf(post);
  for (const approval of post.approvals) {
    expect(approval.approverId).not.toBe(post.authorId);
    expect(approval.approverId).not.toBe(post.editedBy);
    expect(approval.version).toBe(post.version);
    expect(approval.contentHash).toBe(hash);
  }
  if (plan.autoApproved) {
    expect(plan.regulated).toBe(false);
    expect(post.compliance?.findings).toEqual([]);
    return;
  }
  if (post.compliance?.regulated) expect(plan.regulated).toBe(true);
  if (plan.regulated) expect(post.approvals.some((a) => a.role === 'legal')).toBe(true);
  for (const stage of plan.stages) {
    const ofStage = post.approvals.filter((a) => a.stageId === stage.id && a.role === stage.role);
    if (stage.mode === 'all') {
      for (const email of stage.reviewers) {
        expect(ofStage.some((a) => a.approverEmail === email)).toBe(true);
      }
    } else {
      expect(ofStage.length).toBeGreaterThan(0);
    }
  }
};

const run = async (steps: readonly Step[]) => {
  const postIds: string[] = [];
  const pick = (n: number) => postIds[n % Math.max(postIds.length, 1)];
  for (const s of steps) {
    let response: Awaited<ReturnType<typeof call>> | undefined;
    if (s.kind === 'create') {
      response = await call(
        request(s.by, 'POST /posts', {
          body: {
            title: 'Property',
            variants: [{ text: COPY[s.copy] }],
            segments: ['sales'],
            topics: s.funds ? ['funds'] : [],
          },
        }),
      );
      if (response.statusCode === 201) postIds.push(JSON.parse(response.body ?? '').post.postId);
    } else if (s.kind === 'check') {
      const submitted = events.splice(0).filter((e) => e.detailType === 'PostSubmitted');
      for (const e of submitted) {
        await checkSubmittedPost(e.detail as never, complianceDeps).catch(() => undefined);
      }
    } else if (s.kind === 'policy') {
      const current = await deps.approvalPolicies.current();
      response = await call(
        request(s.by, 'PUT /policies/approval', {
          body: { ...POLICIES[s.policy], version: current.version },
        }),
      );
    } else {
      const postId = pick(s.post);
      if (!postId) continue;
      const post = await deps.posts.get(postId).catch(() => undefined);
      const version = (post?.version ?? 1) - ('stale' in s && s.stale ? 1 : 0) || 1;
      const route = {
        edit: 'PUT /posts/{postId}',
        submit: 'POST /posts/{postId}/submit',
        withdraw: 'POST /posts/{postId}/withdraw',
        schedule: 'POST /campaigns',
        approve: 'POST /posts/{postId}/approve',
        reject: 'POST /posts/{postId}/reject',
        requestChanges: 'POST /posts/{postId}/request-changes',
      }[s.kind];
      const body = {
        edit: {
          title: 'Property',
          variants: [{ text: COPY['copy' in s ? s.copy : 0] }],
          segments: ['sales'],
          version,
        },
        submit: undefined,
        withdraw: { reason: 'no longer needed' },
        schedule: { postId, scheduledAt: new Date(Date.now() + 3_600_000).toISOString() },
        approve: { version },
        reject: { version, reason: 'off brand' },
        requestChanges: { version, comment: 'shorter please' },
      }[s.kind];
      response = await call(request(s.by, route, { postId, body }));
      if (s.kind === 'approve' && response.statusCode === 200) {
        // An approval counts for the version the reviewer saw, never a later one.
        const approved: Post = JSON.parse(response.body ?? '').post;
        const mine = approved.approvals.filter((a) => a.approverId === `user-${s.by}`);
        expect(mine.map((a) => a.version)).toEqual([version]);
        expect(approved.version).toBe(version);
      }
    }
    expect(response?.statusCode ?? 200).toBeLessThan(500);
    for (const postId of postIds) {
      const post = await deps.posts.get(postId).catch(() => undefined);
      if (post) {
        reached.add(post.status);
        assertApprovalIsEarned(post);
      }
    }
  }
};

/** Every status some run passed through. */
const reached = new Set<string>();

/** One run known to pass every state, so the coverage check below never rests on luck. */
const walkThrough: Step[] = [
  { kind: 'policy', by: 'ada', policy: 0 },
  { kind: 'create', by: 'mia', copy: 0, funds: false },
  { kind: 'submit', by: 'mia', post: 0 },
  { kind: 'check' },
  { kind: 'requestChanges', by: 'max', post: 0, stale: false },
  { kind: 'edit', by: 'mia', post: 0, copy: 3, stale: false },
  { kind: 'submit', by: 'mia', post: 0 },
  { kind: 'check' },
  { kind: 'approve', by: 'mia', post: 0, stale: false },
  { kind: 'approve', by: 'max', post: 0, stale: true },
  { kind: 'approve', by: 'max', post: 0, stale: false },
  { kind: 'schedule', by: 'mia', post: 0 },
];

describe('approval workflow, property-based', () => {
  beforeAll(async () => {
    // Campaigns go to defined segments only; the posts here target `sales`.
    if (!(await deps.segments.find('sales'))) {
      await deps.segments.put(
        {
          segmentId: 'sales',
          name: 'Sales',
          rule: { all: [{ attribute: 'department', in: ['Sales'] }] },
          updatedBy: 'ada',
          updatedAt: new Date().toISOString(),
        },
        undefined,
      );
    }
  });

  it('never approves without every required approval, a self-approval or an old version', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 20, maxLength: 50, size: 'max' }), run),
      { numRuns: 60, examples: [[walkThrough]] },
    );
    // The runs must actually reach the interesting states, or the property proves little.
    expect([...reached]).toEqual(
      expect.arrayContaining(['in_review', 'changes_requested', 'approved', 'scheduled']),
    );
  }, 240_000);
});
