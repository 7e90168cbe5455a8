import { setTimeout as sleep } from 'node:timers/promises';
import { type ApiAnswer, type ApiClient, createApiClient } from '#infra/local/demo/client';
import type { AnalyticsReport } from '#shared/analytics/report';
import type { Campaign } from '#shared/campaigns/campaign';
import { shareIdFor } from '#shared/ids';
import { linkCodeFor } from '#shared/links/tracked-link';
import type { Post } from '#shared/posts/post';

export const DEMO_SEGMENTS = { sales: 30, engineering: 20 } as const;

/** The staff the demo signs in as; anyone can sign in as them on the local sign-in page too. */
export const DEMO_STAFF = {
  admin: { email: 'admin@acme.example', name: 'Ada Admin' },
  marketing: { email: 'mia.marketing@acme.example', name: 'Mia Marketing' },
  legal: { email: 'lou.legal@acme.example', name: 'Lou Legal' },
} as const;

/** An employee of the demo's directory (the first in sales), who shared the demo's post. */
export const DEMO_EMPLOYEE_EMAIL = 'sales-01@acme.example';

export interface DemoResult {
  postId: string;
  campaignId: string;
  compliance: NonNullable<Post['compliance']>;
  ownApprovalStatus: number;
  staleApprovalStatus: number;
  statuses: string[];
  approvedBy: string;
  libraryForSegment: string[];
  libraryOutsideSegment: string[];
  versions: number;
  auditActions: string[];
  expectedShares: number;
  analytics: AnalyticsReport;
  /** Readers' clicks the demo made on tracked links that count (one per reader and link). */
  clicksMade: number;
  /** This week's top advocates in sales, by points. */
  leaderboard: { rank: number; name: string; points: number }[];
  seconds: number;
}

interface ImportJob {
  job: { jobId: string; state: string; counts: { rejected: number } };
  rejections?: unknown[];
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

/**
 * A reader opens the shared posts' links, as a browser does (the redirect is not followed: this
 * machine may have no internet). The first ten sales people's links are opened 1 to 3 times each,
 * all by the one reader this machine is: Chorus counts a reader once a day, so one click a link.
 */
const clickTrackedLinks = async (
  client: ApiClient,
  campaignId: string,
  employeeIds: ReadonlyMap<string, string>,
): Promise<number> => {
  let counted = 0;
  for (let i = 1; i <= 10; i++) {
    const employeeId = employeeIds.get(`sales-${String(i).padStart(2, '0')}@acme.example`) ?? '';
    const code = linkCodeFor(shareIdFor(campaignId, employeeId, 'sandbox'));
    for (let n = 0; n < 1 + (i % 3); n++) {
      const answer = await client.call('GET', `/l/${code}`, undefined, undefined, {
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36',
      });
      expectStatus('click a tracked link', answer, 302);
    }
    counted += 1;
  }
  return counted;
};

/**
 * 50 employees imported from an HR-style CSV, two segments defined by department, and every
 * employee connecting the sandbox and turning auto-share on, any time of day. Answers each
 * employee's id by email: the directory draws ids, and a person learns theirs by signing in.
 */
const seedEmployees = async (
  client: ApiClient,
  adminToken: string,
): Promise<Map<string, string>> => {
  const employeeIds = new Map<string, string>();
  const people = Object.entries(DEMO_SEGMENTS).flatMap(([segment, count]) =>
    Array.from({ length: count }, (_, i) => ({
      department: `${segment[0]?.toUpperCase()}${segment.slice(1)}`,
      email: `${segment}-${String(i + 1).padStart(2, '0')}@acme.example`,
      name: `${segment[0]?.toUpperCase()}${segment.slice(1)} Person ${i + 1}`,
    })),
  );
  const csv = [
    'email,name,department,location,timeZone',
    ...people.map((p) => `${p.email},${p.name},${p.department},Berlin,Europe/Berlin`),
  ].join('\n');
  // The import is a background job: answered at once, followed until it is done.
  const opened = expectStatus(
    'import the directory',
    await client.call<ImportJob>('POST', '/employees/import', adminToken, { csv }),
    202,
  );
  const imported = await waitFor(
    'import the directory',
    async () => {
      const job = expectStatus(
        'follow the import',
        await client.call<ImportJob>('GET', `/jobs/${opened.job.jobId}`, adminToken),
        200,
      );
      return job.job.state === 'done' ? job : undefined;
    },
    60_000,
  );
  if (imported.job.counts.rejected > 0) {
    throw new DemoStageError(
      `directory import rejected rows: ${JSON.stringify(imported.rejections)}`,
    );
  }
  for (const segment of Object.keys(DEMO_SEGMENTS)) {
    const defined = await client.call('PUT', `/segments/${segment}`, adminToken, {
      name: `${segment[0]?.toUpperCase()}${segment.slice(1)}`,
      rule: { all: [{ attribute: 'department', in: [segment] }] },
    });
    expectStatus(`define segment ${segment}`, defined, 200);
  }
  await inParallel(people, 10, async (person) => {
    const token = await client.token('employee', person.email, person.name);
    const connected = await client.call<{ connection: { employeeId: string } }>(
      'PUT',
      '/me/connections/sandbox',
      token,
      { handle: person.email.split('@')[0] },
    );
    employeeIds.set(
      person.email,
      expectStatus(`connect sandbox for ${person.email}`, connected, 200).connection.employeeId,
    );
    const consented = await client.call('PUT', '/me/consent', token, {
      networks: { sandbox: { autoShare: true } },
      sharingHours: {
        from: '00:00',
        to: '23:59',
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
      },
    });
    expectStatus(`auto-share on for ${person.email}`, consented, 200);
  });
  return employeeIds;
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
    client.token('admin', DEMO_STAFF.admin.email, DEMO_STAFF.admin.name),
    client.token('marketing', DEMO_STAFF.marketing.email, DEMO_STAFF.marketing.name),
    client.token('legal', DEMO_STAFF.legal.email, DEMO_STAFF.legal.name),
  ]);

  progress('importing 50 employees, defining segments, employees opting in…');
  const employeeIds = await seedEmployees(client, admin);

  const statuses: string[] = [];
  const readPost = async () => {
    const { body } = await client.call<{ post: Post }>('GET', `/posts/${postId}`, author);
    return body.post;
  };
  const waitForCheck = async () => {
    const checked = await waitFor(
      'compliance check',
      async () => {
        const post = await readPost();
        return post.status === 'submitted' || post.status === 'compliance_checked'
          ? undefined
          : post;
      },
      30_000,
    );
    statuses.push(checked.status);
    return checked;
  };

  progress('marketing writes and submits a post…');
  const { post: draft } = expectStatus(
    'create post',
    await client.call<{ post: Post }>(
      'POST',
      '/posts',
      author,
      {
        title: 'Global Equity Fund launch',
        variants: [
          {
            text: 'Our Global Equity Fund opens today. Nobody can guarantee markets, but the team behind it is best in class.',
          },
          {
            text: '{{employee.firstName}} here: {{company}} opens its Global Equity Fund today. Nobody can guarantee markets; the team is best in class.',
          },
        ],
        link: 'https://acme.example/funds/global-equity',
        topics: ['funds'],
        segments: ['sales'],
        plannedFor: new Date(Date.now() + 86_400_000).toISOString(),
      },
      { 'idempotency-key': `demo-${started}` },
    ),
    201,
  );
  const postId = draft.postId;
  statuses.push(draft.status);
  expectStatus('submit post', await client.call('POST', `/posts/${postId}/submit`, author), 200);
  const firstCheck = await waitForCheck();
  if (firstCheck.status !== 'in_review') {
    throw new DemoStageError(`compliance check: post ended ${firstCheck.status}`);
  }

  progress('legal asks for changes…');
  const own = await client.call('POST', `/posts/${postId}/approve`, author, { version: 1 });
  if (own.status !== 403) {
    throw new DemoStageError(`four eyes: the author's own approval got ${own.status}, not 403`);
  }
  const queue = expectStatus(
    'review queue',
    await client.call<{ items: { post: Post }[] }>('GET', '/reviews?role=legal', legal),
    200,
  );
  if (!queue.items.some((item) => item.post.postId === postId)) {
    throw new DemoStageError('review queue: the post is not waiting for legal');
  }
  const { post: sentBack } = expectStatus(
    'request changes',
    await client.call<{ post: Post }>('POST', `/posts/${postId}/request-changes`, legal, {
      version: 1,
      comment: "Please drop 'best in class': we cannot evidence it.",
    }),
    200,
  );
  statuses.push(sentBack.status);

  progress('marketing edits and resubmits…');
  const edited = await client.call<{ post: Post }>(
    'PUT',
    `/posts/${postId}`,
    author,
    {
      title: 'Global Equity Fund launch',
      variants: [
        { text: 'Our Global Equity Fund opens today. Nobody can guarantee markets.' },
        {
          text: '{{employee.firstName}} here: {{company}} opens its Global Equity Fund today. Nobody can guarantee markets.',
        },
      ],
      link: 'https://acme.example/funds/global-equity',
      topics: ['funds'],
      segments: ['sales'],
    },
    { 'if-match': sentBack.version.toString() },
  );
  statuses.push(expectStatus('edit post', edited, 200).post.status);
  expectStatus('resubmit', await client.call('POST', `/posts/${postId}/submit`, author), 200);
  const checked = await waitForCheck();
  if (checked.status !== 'in_review' || !checked.compliance) {
    throw new DemoStageError(`second compliance check: post ended ${checked.status}`);
  }

  progress('legal approves the new version…');
  const stale = await client.call('POST', `/posts/${postId}/approve`, legal, { version: 1 });
  const { post: approved } = expectStatus(
    'approve',
    await client.call<{ post: Post }>('POST', `/posts/${postId}/approve`, legal, {
      version: checked.version,
      comment: 'Fine with the disclaimers.',
    }),
    200,
  );
  statuses.push(approved.status);

  progress('employees find it in their library…');
  const libraryOf = async (email: string) => {
    const token = await client.token('employee', email);
    const { posts } = expectStatus(
      `library of ${email}`,
      await client.call<{ posts: { postId: string }[] }>('GET', '/library', token),
      200,
    );
    return posts.map((p) => p.postId);
  };
  const libraryForSegment = await libraryOf(DEMO_EMPLOYEE_EMAIL);
  const libraryOutsideSegment = await libraryOf('engineering-01@acme.example');

  progress('scheduling the campaign and moving the clock past it…');
  // The runtime's clock may run ahead of this machine's (an earlier demo moved it on).
  const { now: runtimeNow } = expectStatus(
    'read the clock',
    await client.call<{ now: string }>('GET', '/_local/status', undefined),
    200,
  );
  const { campaign } = expectStatus(
    'schedule campaign',
    await client.call<{ campaign: Campaign }>('POST', '/campaigns', author, {
      postId,
      scheduledAt: new Date(Date.parse(runtimeNow) + 2 * 60_000).toISOString(),
      networks: ['sandbox'],
      staggerMinutes: 0,
    }),
    201,
  );
  statuses.push((await readPost()).status);
  const advanceClock = async (minutes: number) =>
    expectStatus(
      'advance clock',
      await client.call('POST', '/_local/clock', undefined, { advanceMinutes: minutes }),
      200,
    );
  const readAnalytics = async () =>
    (
      await client.call<{ analytics?: AnalyticsReport }>(
        'GET',
        `/posts/${postId}/analytics`,
        author,
      )
    ).body.analytics;
  await advanceClock(3);

  const expectedShares = DEMO_SEGMENTS.sales;
  progress(`waiting for ${expectedShares} shares…`);
  await waitFor(
    'share fan-out and publishing',
    async () =>
      ((await readAnalytics())?.totals.shares.value ?? 0) >= expectedShares ? true : undefined,
    60_000,
  );

  progress('readers click some of the tracked links…');
  const clicksMade = await clickTrackedLinks(client, campaign.campaignId, employeeIds);

  progress('an hour later, the engagement poller reads the sandbox network…');
  await advanceClock(60);
  const analytics = await waitFor(
    'engagement poll',
    async () => {
      const analytics = await readAnalytics();
      return analytics?.totals.impressions.value && analytics.totals.clicks.value
        ? analytics
        : undefined;
    },
    30_000,
  );

  const board = expectStatus(
    'leaderboard',
    await client.call<{ advocates: { rank: number; name: string; points: number }[] }>(
      'GET',
      '/leaderboards?period=week&segmentId=sales',
      author,
    ),
    200,
  );

  progress('legal reads the record…');
  const { entries } = expectStatus(
    'audit log',
    await client.call<{ entries: { action: string }[] }>(
      'GET',
      `/audit?postId=${postId}&limit=500`,
      legal,
    ),
    200,
  );
  const { versions } = expectStatus(
    'versions',
    await client.call<{ versions: unknown[] }>('GET', `/posts/${postId}/versions`, legal),
    200,
  );
  const approval = approved.approvals.at(-1);

  return {
    postId,
    campaignId: campaign.campaignId,
    compliance: checked.compliance,
    ownApprovalStatus: own.status,
    staleApprovalStatus: stale.status,
    statuses,
    approvedBy: `${approval?.role} (${approval?.approverEmail ?? approval?.approverId})`,
    libraryForSegment,
    libraryOutsideSegment,
    versions: versions.length,
    auditActions: entries.map((e) => e.action),
    expectedShares,
    analytics,
    clicksMade,
    leaderboard: board.advocates.slice(0, 3),
    seconds: (Date.now() - started) / 1000,
  };
};
