import { setTimeout as sleep } from 'node:timers/promises';
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types';

/**
 * A marketing journey written only against the types generated from the served OpenAPI
 * document: what a team building its own client would write. The test type-checks this file
 * against those types and then runs it, every answer checked against the document.
 */
export interface JourneyInput {
  baseUrl: string;
  tokens: { author: string; reviewer: string; legal: string; admin: string; employee: string };
  /** Sees every answer (the test validates each one against the document). */
  observe: Middleware;
  /** The local runtime's clock, which a campaign's time is measured against. */
  now(): Promise<Date>;
}

export interface JourneyOutcome {
  postId: string;
  employeeId: string;
  campaignId: string;
  /** The retried creation: its status, post and `Idempotent-Replayed` header. */
  retry: { status: number; postId: string | undefined; replayed: string | null };
  /** The If-Match edit that named a version already replaced. */
  staleEdit: { status: number; code: string | undefined };
  /** The answer to a caller without a token. */
  outsider: { status: number; wwwAuthenticate: string | null };
  recipients: number;
  csv: string;
}

/** The networks a campaign can name (the generated types check this against the document's). */
type Network = 'linkedin' | 'x' | 'bluesky' | 'mastodon' | 'sandbox';

/** openapi-fetch's result: the answer's data, or a thrown error saying what came back. */
const ok = <T>(result: { data?: T; error?: unknown; response: Response }): T => {
  if (result.data === undefined) {
    throw new Error(
      `${result.response.url}: ${result.response.status} ${JSON.stringify(result.error)}`,
    );
  }
  return result.data;
};

const etagOf = (response: Response): string => {
  const etag = response.headers.get('ETag');
  if (etag === null) throw new Error(`${response.url}: no ETag`);
  return etag;
};

export const marketingJourney = async (input: JourneyInput): Promise<JourneyOutcome> => {
  const as = (token?: string) => {
    const client = createClient<paths>({
      baseUrl: input.baseUrl,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    client.use(input.observe);
    return client;
  };
  const admin = as(input.tokens.admin);
  const author = as(input.tokens.author);
  const reviewer = as(input.tokens.reviewer);
  const legal = as(input.tokens.legal);
  const employee = as(input.tokens.employee);

  // The audience: a sales segment with one person in it, connected and sharing at any hour.
  ok(
    await admin.PUT('/segments/{segmentId}', {
      params: { path: { segmentId: 'sales' } },
      body: { name: 'Sales', rule: { all: [{ attribute: 'department', in: ['sales'] }] } },
    }),
  );
  const { employee: person } = ok(
    await admin.POST('/employees', {
      body: { email: 'sam.client@example.com', name: 'Sam Sales', department: 'Sales' },
    }),
  );
  ok(
    await employee.PUT('/me/connections/{network}', {
      params: { path: { network: 'sandbox' } },
      body: { handle: 'sam.client' },
    }),
  );
  ok(
    await employee.PUT('/me/consent', {
      body: {
        networks: { sandbox: { autoShare: true } },
        topics: ['funds'],
        sharingHours: {
          from: '00:00',
          to: '23:59',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        },
      },
    }),
  );

  // A post with two variants, created once however often the request is sent.
  const draft = (title: string) => ({
    title,
    variants: [
      {
        text: 'The quarterly fund report is out: what changed and why.',
        networks: ['sandbox' as const, 'linkedin' as const],
      },
      {
        text: 'Fund report: the quarter in one page.',
        networks: ['x' as const, 'bluesky' as const],
      },
    ],
    link: 'https://acme.example/fund-report',
    topics: ['funds'],
    segments: ['sales'],
  });
  const create = () =>
    author.POST('/posts', {
      params: { header: { 'Idempotency-Key': 'journey-create-post' } },
      body: draft('Our fund report'),
    });
  const created = await create();
  const postId = ok(created).post.postId;
  const again = await create();
  const retry = {
    status: again.response.status,
    postId: again.data?.post.postId,
    replayed: again.response.headers.get('Idempotent-Replayed'),
  };

  // Read it, edit it with the ETag read, then edit again with that ETag, now stale.
  const read = await author.GET('/posts/{postId}', { params: { path: { postId } } });
  const first = etagOf(read.response);
  const edited = await author.PUT('/posts/{postId}', {
    params: { path: { postId }, header: { 'If-Match': first } },
    body: draft(`${ok(read).post.title}, Q3`),
  });
  ok(edited);
  const stale = await author.PUT('/posts/{postId}', {
    params: { path: { postId }, header: { 'If-Match': first } },
    body: draft('Our fund report, stale'),
  });
  const staleEdit = {
    status: stale.response.status,
    code: stale.error && 'error' in stale.error ? stale.error.error.code : undefined,
  };

  // Submit; the compliance check places it with legal (funds are regulated), who approves.
  ok(await author.POST('/posts/{postId}/submit', { params: { path: { postId } } }));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const current = await author.GET('/posts/{postId}', { params: { path: { postId } } });
    const { post } = ok(current);
    if (post.status === 'approved') break;
    const stage = post.review?.stages[post.review.currentStage];
    if (post.status === 'in_review' && stage) {
      const approver = stage.role === 'legal' ? legal : reviewer;
      ok(
        await approver.POST('/posts/{postId}/approve', {
          params: { path: { postId }, header: { 'If-Match': etagOf(current.response) } },
          body: { comment: `Approved for ${stage.name}` },
        }),
      );
      continue;
    }
    if (Date.now() > deadline) throw new Error(`post ${postId} stuck in ${post.status}`);
    await sleep(200);
  }

  // Preview the campaign, then schedule what the preview showed.
  const scheduledAt = new Date((await input.now()).getTime() + 60_000).toISOString();
  const started = ok(
    await author.POST('/campaigns/preview', {
      body: { postId, networks: ['sandbox'], scheduledAt },
    }),
  );
  let job = started;
  while (job.job.state !== 'done') {
    if (Date.now() > deadline + 30_000) {
      throw new Error(`the preview did not finish: ${JSON.stringify(job.job)}`);
    }
    await sleep(200);
    job = ok(await author.GET('/jobs/{jobId}', { params: { path: { jobId: job.job.jobId } } }));
  }
  const preview = job.preview;
  if (!preview) throw new Error('the finished job holds no preview');
  const networks: Network[] = [];
  let recipients = 0;
  for (const tally of preview.networks) {
    recipients += tally.recipients;
    if (tally.recipients > 0) networks.push(tally.network);
  }
  const { campaign } = ok(
    await author.POST('/campaigns', {
      params: { header: { 'Idempotency-Key': 'journey-campaign' } },
      body: { postId, scheduledAt, networks, mode: 'auto', staggerMinutes: 0 },
    }),
  );
  const campaignId = campaign.campaignId;

  // Where it stands: the campaign, its analytics, the post's, one table as CSV.
  ok(await author.GET('/campaigns/{campaignId}', { params: { path: { campaignId } } }));
  ok(await author.GET('/analytics', { params: { query: { campaignId } } }));
  ok(await author.GET('/posts/{postId}/analytics', { params: { path: { postId } } }));
  const csv = ok(
    await author.GET('/analytics', {
      params: { query: { campaignId, format: 'csv', table: 'byNetwork' } },
      parseAs: 'text',
    }),
  );

  // What changed and who decided: the diff between versions and the audit log.
  ok(
    await author.GET('/posts/{postId}/diff', {
      params: { path: { postId }, query: { from: 1, to: 2 } },
    }),
  );
  ok(await legal.GET('/audit', { params: { query: { postId } } }));

  // Somebody without a token is refused by the gateway, which says how to authenticate.
  const refused = await as().GET('/posts/{postId}', { params: { path: { postId } } });
  const outsider = {
    status: refused.response.status,
    wwwAuthenticate: refused.response.headers.get('WWW-Authenticate'),
  };

  return {
    postId,
    employeeId: person.employeeId,
    campaignId,
    retry,
    staleEdit,
    outsider,
    recipients,
    csv,
  };
};
