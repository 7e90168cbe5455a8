import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import {
  type ImpactRunnerDependencies,
  runPolicyImpact,
} from '#functions/job-runner/policy-impact';
import { defaultApprovalPolicy, planReview } from '#shared/approvals/policy';
import { checkCompliance } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import type { Employee } from '#shared/employees/employee';
import { newPostId } from '#shared/ids';
import { newPost, type Post } from '#shared/posts/post';
import { applyAction, applyActions, auditRecordOf } from '#shared/posts/transitions';
import { apiEvent, callApi } from '../fixtures/api-events';
import { outboxFeed } from '../fixtures/outbox';
import { caller, content } from '../fixtures/posts';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const outbox = outboxFeed(TABLE);
const call = (
  who: 'marketing' | 'admin' | 'legal',
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string> } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `user-${who}`, email: `${who}@impact.acme.example`, groups: [who] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const runner = (contentPageSize: number): ImpactRunnerDependencies => ({
  jobs: deps.jobs,
  employees: deps.employees,
  posts: deps.posts,
  campaigns: deps.campaigns,
  segments: deps.segments,
  now: () => new Date(),
  linkBase: 'https://api.acme.example',
  pageSize: 1000,
  contentPageSize,
});

const unique = () => Math.random().toString(36).slice(2, 8);

/** The policy in force as legal edits it: without the server's version and authorship. */
const currentDraft = async () => {
  const { body } = await call('legal', 'GET /policies/compliance');
  const { version, updatedBy: _by, updatedAt: _at, ...policy } = body.policy;
  return { policy, version: version as number };
};

/** The current policy with one more phrase that blocks sharing. */
const forbidding = async (phrase: string) => {
  const draft = await currentDraft();
  return {
    ...draft,
    policy: {
      ...draft.policy,
      lexicon: [
        ...draft.policy.lexicon,
        {
          id: `no-${phrase.replaceAll(' ', '-')}`,
          phrase,
          severity: 'block',
          message: `'{match}' is not allowed`,
          suggestion: 'Say it plainly',
        },
      ],
    },
  };
};

/** An approved post (not scheduled) for a segment, taken through the real workflow. */
const approvedPost = async (text: string, segmentId: string): Promise<Post> => {
  const now = new Date();
  const author = caller('author', 'marketing');
  const draft = newPost(
    content({ title: `Post about ${text}`, variants: [{ text }], segments: [segmentId] }),
    { postId: newPostId(), author },
    undefined,
    now,
  );
  await deps.posts.save(draft, undefined, {
    records: [auditRecordOf(undefined, draft, { type: 'create' }, author.userId)],
  });
  const compliance = checkCompliance(draft, defaultPolicy, now);
  const inReview = await applyActions(
    deps,
    draft,
    [
      { type: 'submit', by: author },
      { type: 'complianceChecked', compliance },
      { type: 'startReview', plan: planReview(draft, compliance, defaultApprovalPolicy) },
    ],
    { actor: author.userId, at: now },
  );
  return applyAction(
    deps,
    inReview,
    { type: 'approve', by: caller('reviewer', 'marketing'), version: 1 },
    { actor: 'reviewer', at: now },
  );
};

/** Runs a job to its end, a fresh run after each hand-over; counts the runs. */
const runToEnd = async (jobId: string, pageSize: number, pagesPerRun = Infinity) => {
  let runs = 0;
  for (;;) {
    runs += 1;
    let pages = pagesPerRun;
    const outcome = await runPolicyImpact({ jobId }, runner(pageSize), () =>
      pages-- > 1 ? 300_000 : 0,
    );
    if (outcome === 'done') return runs;
    expect(outcome).toBe('continued');
  }
};

const job = (jobId: string) => call('legal', 'GET /jobs/{jobId}', { pathParameters: { jobId } });

let arranged: Arranged;
beforeAll(async () => {
  // A scheduled campaign to 6 people: 3 in Great Britain, 2 in Germany, 1 with no jurisdiction.
  arranged = await arrangeCampaign(
    {
      table: TABLE,
      posts: deps.posts,
      campaigns: deps.campaigns,
      segments: deps.segments,
    },
    {
      count: 6,
      scheduledAt: new Date(Date.now() + 3_600_000),
      person: (i, e): Employee =>
        i < 3 ? { ...e, jurisdiction: 'GB' } : i < 5 ? { ...e, jurisdiction: 'DE' } : e,
    },
  );
});

describe('a dry run against a draft policy', () => {
  it('finds what the draft forbids, spanned in the text as the network would receive it', async () => {
    const draft = await forbidding('moonshot');
    const answer = await call('legal', 'POST /policies/compliance/dry-run', {
      body: { ...draft, text: 'Our moonshot team is hiring.', network: 'linkedin' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.outcome).toBe('blocked');
    const { rendered } = answer.body;
    const finding = rendered.findings.find((f: { severity: string }) => f.severity === 'block');
    expect(finding).toMatchObject({
      message: "'moonshot' is not allowed",
      suggestion: 'Say it plainly',
    });
    expect(rendered.text.slice(finding.span.start, finding.span.end)).toBe('moonshot');
    // The draft's disclosure is placed, as the share worker places it.
    expect(rendered.text).toContain(draft.policy.disclosure.append);
    // The same text against the policy in force passes: nothing was saved.
    const saved = await call('legal', 'GET /policies/compliance');
    expect(saved.body.policy.version).toBe(draft.version);
  });

  it('answers a bad draft with 400 naming the field, and refuses marketing', async () => {
    const draft = await forbidding('moonshot');
    draft.policy.lexicon.at(-1).phrase = 'moon.*shot';
    const bad = await call('legal', 'POST /policies/compliance/dry-run', {
      body: { ...draft, text: 'Hello' },
    });
    expect(bad.status).toBe(400);
    const index = draft.policy.lexicon.length - 1;
    expect(bad.body.error.fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: `policy.lexicon.${index}.phrase` }),
      ]),
    );
    const marketing = await call('marketing', 'POST /policies/compliance/dry-run', {
      body: { ...(await forbidding('moonshot')), text: 'Hello' },
    });
    expect(marketing.status).toBe(403);
  });
});

describe('the policy-impact job', () => {
  it('lists an approved post that uses a forbidden phrase, with its variant, network and jurisdictions, readable after it ends', async () => {
    const phrase = `zeppelin ${unique()}`;
    const post = await approvedPost(`Our ${phrase} plan is out.`, arranged.segmentId);
    await outbox.take();
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding(phrase),
    });
    expect(started.status).toBe(202);
    expect(started.body.job).toMatchObject({ kind: 'policyImpact', state: 'queued' });
    const jobId: string = started.body.job.jobId;
    // The job is announced with its creation, through the outbox.
    const due = (await outbox.take()).filter((e) => e.detailType === 'JobRunDue');
    expect(due.map((e) => e.detail.jobId)).toContain(jobId);

    await runToEnd(jobId, 25);
    const done = await job(jobId);
    expect(done.status).toBe(200);
    expect(done.body.job.state).toBe('done');
    expect(done.body.impact.blockedCount).toBe(1);
    expect(done.body.impact.truncated).toBe(false);
    const [listed] = done.body.impact.blocked;
    expect(listed).toMatchObject({
      postId: post.postId,
      title: post.title,
      status: 'approved',
      jurisdictions: [null, 'DE', 'GB'],
    });
    const linkedin = listed.renderings.find((r: { network: string }) => r.network === 'linkedin');
    expect(linkedin).toMatchObject({ variant: 0, jurisdictions: [null, 'DE', 'GB'] });
    expect(linkedin.text).toContain(`Our ${phrase} plan is out.`);
    expect(linkedin.findings).toHaveLength(1);
    const [finding] = linkedin.findings;
    expect(finding).toMatchObject({ severity: 'block', message: `'${phrase}' is not allowed` });
    expect(linkedin.text.slice(finding.span.start, finding.span.end)).toBe(phrase);
    expect(listed.renderings.map((r: { network: string }) => r.network).sort()).toEqual([
      'bluesky',
      'linkedin',
      'mastodon',
      'sandbox',
      'x',
    ]);

    // Still there after it ended, for admins too; not for marketing.
    expect((await job(jobId)).body.impact.blocked).toHaveLength(1);
    const admin = await call('admin', 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(admin.body.impact.blockedCount).toBe(1);
    const marketing = await call('marketing', 'GET /jobs/{jobId}', { pathParameters: { jobId } });
    expect(marketing.status).toBe(403);
  });

  it('lists a scheduled campaign’s post on the campaign’s networks, with its recipients’ jurisdictions', async () => {
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding('hiring engineers'),
    });
    const jobId: string = started.body.job.jobId;
    await runToEnd(jobId, 25);
    const { impact } = (await job(jobId)).body;
    expect(impact.blocked).toEqual([
      expect.objectContaining({
        postId: arranged.post.postId,
        status: 'scheduled',
        campaignId: arranged.campaign.campaignId,
        networks: ['sandbox'],
        jurisdictions: [null, 'DE', 'GB'],
      }),
    ]);
    // Both variants carry the phrase; each is listed on the campaign's one network.
    expect(
      impact.blocked[0].renderings.map((r: { variant: number; network: string }) => [
        r.variant,
        r.network,
      ]),
    ).toEqual([
      [0, 'sandbox'],
      [1, 'sandbox'],
    ]);
  });

  it('lists a post a campaign already sent, still live and shared from the feed, on every network', async () => {
    const sent = await arrangeCampaign(
      {
        table: TABLE,
        posts: deps.posts,
        campaigns: deps.campaigns,
        segments: deps.segments,
      },
      { count: 1, person: (_, e): Employee => ({ ...e, jurisdiction: 'FR' }) },
    );
    expect(await deps.campaigns.dispatch(sent.campaign, new Date(), 'test', [])).toBe(true);
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding('hiring engineers'),
    });
    const jobId: string = started.body.job.jobId;
    await runToEnd(jobId, 25);
    const { impact } = (await job(jobId)).body;
    const listed = impact.blocked.find((p: { postId: string }) => p.postId === sent.post.postId);
    expect(listed).toMatchObject({ status: 'scheduled', jurisdictions: ['FR'] });
    expect(listed.campaignId).toBeUndefined();
    expect(listed.networks).toEqual(['linkedin', 'x', 'bluesky', 'mastodon', 'sandbox']);
    // The first arrangement's campaign is still to go out: listed with it, once.
    expect(
      impact.blocked.filter((p: { postId: string }) => p.postId === arranged.post.postId),
    ).toEqual([expect.objectContaining({ campaignId: arranged.campaign.campaignId })]);
  });

  it('lists nothing for a draft that blocks nothing', async () => {
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding(`nobody writes ${unique()}`),
    });
    const jobId: string = started.body.job.jobId;
    await runToEnd(jobId, 25);
    const { job: state, impact } = (await job(jobId)).body;
    expect(state.state).toBe('done');
    expect(impact).toMatchObject({ blockedCount: 0, blocked: [], truncated: false });
    expect(impact.postsChecked).toBeGreaterThanOrEqual(1);
    expect(impact.campaignsChecked).toBeGreaterThanOrEqual(1);
  });

  it('finds every post across many pages and runs, one page at a time, each checkpointed', async () => {
    const phrase = `kumquat ${unique()}`;
    const posts = [];
    for (let i = 0; i < 7; i++) {
      posts.push(await approvedPost(`Note ${i}: the ${phrase} report.`, arranged.segmentId));
    }
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding(phrase),
    });
    const jobId: string = started.body.job.jobId;
    // Two posts a page, one page per run: the job hands itself over again and again.
    const runs = await runToEnd(jobId, 2, 1);
    expect(runs).toBeGreaterThan(4);
    const { impact } = (await job(jobId)).body;
    expect(impact.blockedCount).toBe(7);
    expect(impact.blocked.map((p: { postId: string }) => p.postId).sort()).toEqual(
      posts.map((p) => p.postId).sort(),
    );
  });

  it('stops a duplicated run that lost the checkpoint race', async () => {
    const started = await call('legal', 'POST /policies/compliance/impact', {
      body: await forbidding(`nobody writes ${unique()}`),
    });
    const jobId: string = started.body.job.jobId;
    const outcomes = await Promise.all([
      runPolicyImpact({ jobId }, runner(2), () => 300_000),
      runPolicyImpact({ jobId }, runner(2), () => 300_000),
    ]);
    expect(outcomes).toContain('done');
    expect(
      outcomes.filter((o) => o === 'lost').length + outcomes.filter((o) => o === 'done').length,
    ).toBe(2);
    expect(await runPolicyImpact({ jobId }, runner(2), () => 300_000)).toBe('done');
  });

  it('refuses a bad draft with 400 field issues, and marketing with 403', async () => {
    const draft = await currentDraft();
    const bad = await call('legal', 'POST /policies/compliance/impact', {
      body: { ...draft, policy: { ...draft.policy, disclaimers: [{ id: 'Bad Id', text: '' }] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(
      expect.arrayContaining(['policy.disclaimers.0.id', 'policy.disclaimers.0.text']),
    );
    const marketing = await call('marketing', 'POST /policies/compliance/impact', {
      body: await currentDraft(),
    });
    expect(marketing.status).toBe(403);
  });
});
