import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiAnswer, type ApiClient, createApiClient } from '#infra/local/demo/client';
import type { PostAnalytics } from '#shared/analytics/post-analytics';
import type { Campaign } from '#shared/campaigns/campaign';
import type { Post } from '#shared/posts/post';

export const DEMO_SEGMENTS = { sales: 30, engineering: 20 } as const;

export interface DemoResult {
  postId: string;
  campaignId: string;
  compliance: NonNullable<Post['compliance']>;
  ownApprovalStatus: number;
  approvedBy: string;
  expectedShares: number;
  analytics: PostAnalytics;
  seconds: number;
}

export class DemoStageError extends Error {
  override readonly name = 'DemoStageError';
}

const expectStatus = <T>(stage: string, answer: ApiAnswer<T>, ...expected: number[]): T => {
  if (!expected.includes(answer.status)) {
    throw new DemoStageError(
      `${stage}: expected HTTP ${expected.join(' or ')}, got ${answer.status} ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
};

const waitFor = async <T>(
  stage: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(200);
  }
  throw new DemoStageError(`${stage}: not done after ${timeoutMs / 1000} s`);
};

const inParallel = async <T>(
  items: readonly T[],
  width: number,
  work: (item: T) => Promise<void>,
) => {
  for (let start = 0; start < items.length; start += width) {
    await Promise.all(items.slice(start, start + width).map(work));
  }
};

/** 50 employees in two segments, each with a sandbox connection and auto-share on. */
const seedEmployees = async (client: ApiClient, adminToken: string): Promise<void> => {
  const people = Object.entries(DEMO_SEGMENTS).flatMap(([segment, count]) =>
    Array.from({ length: count }, (_, i) => ({
      segment,
      email: `${segment}-${String(i + 1).padStart(2, '0')}@acme.example`,
      name: `${segment[0]?.toUpperCase()}${segment.slice(1)} Person ${i + 1}`,
    })),
  );
  await inParallel(people, 10, async (person) => {
    const created = await client.call('POST', '/employees', adminToken, {
      email: person.email,
      name: person.name,
      segments: [person.segment],
    });
    expectStatus(`add employee ${person.email}`, created, 201, 409);
    const token = await client.token('employee', person.email, person.name);
    const connected = await client.call('PUT', '/me/connections/sandbox', token, {
      handle: person.email.split('@')[0],
      autoShare: true,
    });
    expectStatus(`connect sandbox for ${person.email}`, connected, 200);
  });
};

/**
 * The whole Chorus flow, driven over HTTP as marketing, legal, employees and the clock would
 * drive it. Used by `npm run demo` and by the end-to-end test.
 */
export const runDemo = async (
  apiUrl: string,
  progress: (line: string) => void = () => undefined,
): Promise<DemoResult> => {
  const started = Date.now();
  const client = createApiClient(apiUrl);
  const [admin, author, legal] = await Promise.all([
    client.token('admin', 'admin@acme.example', 'Ada Admin'),
    client.token('marketing', 'mia.marketing@acme.example', 'Mia Marketing'),
    client.token('legal', 'lou.legal@acme.example', 'Lou Legal'),
  ]);

  progress('seeding 50 employees with sandbox connections…');
  await seedEmployees(client, admin);

  progress('marketing writes and submits a post…');
  const { post: draft } = expectStatus(
    'create post',
    await client.call<{ post: Post }>('POST', '/posts', author, {
      title: 'Global Equity Fund launch',
      copy: 'Our Global Equity Fund opens today. Nobody can guarantee markets, but the team behind it is best in class.',
      link: 'https://acme.example/funds/global-equity',
      topics: ['funds'],
      segment: 'sales',
    }),
    201,
  );
  expectStatus(
    'submit post',
    await client.call('POST', `/posts/${draft.postId}/submit`, author),
    200,
  );

  progress('compliance check…');
  const checked = await waitFor(
    'compliance check',
    async () => {
      const { body } = await client.call<{ post: Post }>('GET', `/posts/${draft.postId}`, author);
      return body.post?.status === 'submitted' ? undefined : body.post;
    },
    30_000,
  );
  if (checked.status !== 'in_review' || !checked.compliance) {
    throw new DemoStageError(`compliance check: post ended ${checked.status}`);
  }

  progress('approval (four eyes)…');
  const own = await client.call('POST', `/posts/${draft.postId}/approve`, author);
  if (own.status !== 403)
    throw new DemoStageError(`four eyes: the author's own approval got ${own.status}, not 403`);
  const approver = checked.compliance.regulated
    ? legal
    : await client.token('marketing', 'max.marketing@acme.example');
  const { post: approved } = expectStatus(
    'approve',
    await client.call<{ post: Post }>('POST', `/posts/${draft.postId}/approve`, approver, {
      comment: 'Fine with the disclaimers.',
    }),
    200,
  );

  progress('scheduling the campaign and moving the clock past it…');
  const { campaign } = expectStatus(
    'schedule campaign',
    await client.call<{ campaign: Campaign }>('POST', '/campaigns', author, {
      postId: draft.postId,
      scheduledAt: new Date(Date.now() + 2 * 60_000).toISOString(),
      networks: ['sandbox'],
    }),
    201,
  );
  const advanceClock = async (minutes: number) =>
    expectStatus(
      'advance clock',
      await client.call('POST', '/_local/clock', undefined, { advanceMinutes: minutes }),
      200,
    );
  const readAnalytics = async () =>
    (
      await client.call<{ analytics?: PostAnalytics }>(
        'GET',
        `/posts/${draft.postId}/analytics`,
        author,
      )
    ).body.analytics;
  await advanceClock(3);

  const expectedShares = DEMO_SEGMENTS.sales;
  progress(`waiting for ${expectedShares} shares…`);
  await waitFor(
    'share fan-out and publishing',
    async () =>
      ((await readAnalytics())?.shares.published.value ?? 0) >= expectedShares ? true : undefined,
    60_000,
  );

  progress('an hour later, the engagement poller reads the sandbox network…');
  await advanceClock(60);
  const analytics = await waitFor(
    'engagement poll',
    async () => {
      const analytics = await readAnalytics();
      return analytics?.engagement.impressions.value ? analytics : undefined;
    },
    30_000,
  );

  return {
    postId: draft.postId,
    campaignId: campaign.campaignId,
    compliance: checked.compliance,
    ownApprovalStatus: own.status,
    approvedBy: `${approved.approval?.approverRole} (${approved.approval?.approvedBy})`,
    expectedShares,
    analytics,
    seconds: (Date.now() - started) / 1000,
  };
};
