import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { runCampaignPreview } from '#functions/job-runner/preview-campaign';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { apiEvent, callApi } from '../fixtures/api-events';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = createApiDependencies({ TABLE_NAME: TABLE });
const call = (
  who: 'marketing' | 'legal',
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string>; key?: string } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `user-${who}`, email: `${who}@compliance.acme.example`, groups: [who] },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      },
    ),
    deps,
  ).then((response) => ({
    status: response.statusCode,
    body: JSON.parse(response.body ?? '{}'),
  }));

/** Legal adds a phrase the policy blocks: a change made after the post was approved. */
const blockPhrase = async (id: string, phrase: string) => {
  const current = await call('legal', 'GET /policies/compliance');
  const { version, updatedBy: _by, updatedAt: _at, ...input } = current.body.policy;
  const replaced = await call('legal', 'PUT /policies/compliance', {
    body: {
      ...input,
      version,
      lexicon: [
        ...input.lexicon,
        { id, phrase, severity: 'block', message: `'{match}' is not allowed any more` },
      ],
    },
  });
  expect(replaced.status).toBe(200);
};

/** A preview run to its end, as the job runner would; its answer as marketing reads it. */
const preview = async () => {
  const started = await call('marketing', 'POST /campaigns/preview', {
    body: { postId: arranged.post.postId, networks: ['sandbox'] },
  });
  expect(started.status).toBe(202);
  const jobId: string = started.body.job.jobId;
  const runner = {
    jobs: deps.jobs,
    employees: deps.employees,
    posts: deps.posts,
    segments: deps.segments,
    sharingPolicy: async () => defaultSharingPolicy,
    now: () => new Date(),
  };
  expect(await runCampaignPreview({ jobId }, runner, () => 300_000)).toBe('done');
  const answer = await call('marketing', 'GET /jobs/{jobId}', { pathParameters: { jobId } });
  expect(answer.status).toBe(200);
  return answer.body.preview;
};

const create = () =>
  call('marketing', 'POST /campaigns', {
    body: {
      postId: arranged.post.postId,
      networks: ['sandbox'],
      scheduledAt: new Date(Date.now() + 3_600_000).toISOString(),
    },
  });

let arranged: Arranged;
beforeAll(async () => {
  // Its two variants: "{{employee.firstName}} here: we are hiring engineers." and
  // "We are hiring engineers at {{company}}.", approved under the default policy.
  arranged = await arrangeCampaign(
    { table: TABLE, posts: deps.posts, campaigns: deps.campaigns, segments: deps.segments },
    { count: 4, person: (i, e) => (i === 3 ? { ...e, jurisdiction: 'GB' } : e) },
  );
});

describe('preview and creation against the compliance policy in force', () => {
  it('passes an approved post the policy still passes', async () => {
    const answer = await preview();
    expect(answer.networks).toEqual([expect.objectContaining({ recipients: 4 })]);
    expect(answer.compliance).toEqual({
      policyVersion: 1,
      verdict: 'passes',
      renderings: [],
      truncated: false,
    });
  });

  it('names the texts a changed policy blocks for some shares, and still lets the campaign be made', async () => {
    await blockPhrase('no-company-name', 'at Acme');
    const answer = await preview();
    expect(answer.compliance).toMatchObject({ policyVersion: 2, verdict: 'blocks_some' });
    expect(answer.compliance.renderings).toEqual([
      expect.objectContaining({
        variant: 1,
        network: 'sandbox',
        // Both recipients' kinds: people with no jurisdiction, and the one in GB.
        jurisdictions: [null, 'GB'],
        text: expect.stringContaining('We are hiring engineers at Acme.'),
        findings: [
          expect.objectContaining({ severity: 'block', ruleId: 'lexicon.no-company-name' }),
        ],
      }),
    ]);
    expect((await create()).status).toBe(201);
  });

  it('shows a policy that blocks every text, and refuses the campaign with 422 saying why', async () => {
    await blockPhrase('no-hiring', 'hiring engineers');
    const answer = await preview();
    expect(answer.compliance.verdict).toBe('blocks_all');
    expect(answer.compliance.renderings.map((r: { variant: number }) => r.variant)).toEqual([0, 1]);
    const refused = await create();
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({
      code: 'compliance_blocked',
      message: expect.stringMatching(
        /^The compliance policy in force \(version 3\) blocks every text this campaign would send, so every share would fail: sandbox: 'hiring engineers' is not allowed any more/,
      ),
      findings: expect.arrayContaining([expect.objectContaining({ ruleId: 'lexicon.no-hiring' })]),
      text: expect.stringContaining('hiring engineers'),
    });
    // Nothing was made: the post's campaigns are the one arranged and the one made above.
    const campaigns = await call('marketing', 'GET /campaigns');
    expect(
      campaigns.body.campaigns.filter((c: { postId: string }) => c.postId === arranged.post.postId),
    ).toHaveLength(2);
  });
});
