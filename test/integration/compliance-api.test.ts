import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { publishShare } from '#functions/share-worker/publish-share';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { ConflictError } from '#shared/errors';
import { shareIdFor } from '#shared/ids';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import type { Personalisation } from '#shared/personalisations/personalisation';
import type { Post } from '#shared/posts/post';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { createLinkStore } from '#shared/store/links';
import { apiEvent, callApi } from '../fixtures/api-events';
import { testCredentials } from '../fixtures/credentials';
import { optedIn } from '../fixtures/sharing';
import { TABLE } from './setup';

const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
};
const people = {
  mia: { groups: ['marketing'] },
  max: { groups: ['marketing'] },
  lou: { groups: ['legal'] },
  ada: { groups: ['admin'] },
  eve: { groups: ['employee'] },
} as const;
type Person = keyof typeof people;
const call = (
  who: Person,
  routeKey: string,
  options: { body?: unknown; pathParameters?: Record<string, string> } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: `user-${who}`, email: `${who}@cmp.acme.example`, groups: people[who].groups },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const segment = `cmp-${Math.random().toString(36).slice(2, 8)}`;
const TESTIMONIAL = 'Testimonial from a client; results vary and were not paid for.';
let post: Post;
/** What the employee edits: the copy, their own words; Chorus places the rest. */
let ownWords: string;

/** An approved post with a testimonial disclaimer, and the text an employee starts from. */
beforeAll(async () => {
  await call('ada', 'POST /employees', {
    body: { email: 'eve@cmp.acme.example', name: 'Eve Example', groups: [segment] },
  });
  await call('ada', 'PUT /segments/{segmentId}', {
    pathParameters: { segmentId: segment },
    body: { name: 'Compliance test', rule: { all: [{ attribute: 'groups', in: [segment] }] } },
  });
  const created = await call('mia', 'POST /posts', {
    body: {
      title: 'Client story',
      variants: [{ text: 'Hear how a client cut onboarding from weeks to days.' }],
      link: 'https://acme.example/stories/onboarding',
      topics: ['company'],
      segments: [segment],
      flags: ['containsTestimonial'],
    },
  });
  const postId = created.body.post.postId;
  await call('mia', 'POST /posts/{postId}/submit', { pathParameters: { postId } });
  await checkSubmittedPost(
    { postId, version: 1, from: 'draft', to: 'submitted', actor: 'user-mia' },
    {
      posts: deps.posts,
      policy: () => deps.compliancePolicies.current(),
      // Not the stored policy: the property test changes that one while this file runs.
      approvalPolicy: async () => defaultApprovalPolicy,
      now: () => new Date(),
    },
  );
  const approved = await call('max', 'POST /posts/{postId}/approve', {
    pathParameters: { postId },
    body: { version: 1 },
  });
  expect(approved.status).toBe(200);
  post = approved.body.post;
  ownWords = post.variants[0]?.text ?? '';
});

const personalise = (text: string) =>
  call('eve', 'PUT /me/personalisations/{postId}/{network}', {
    pathParameters: { postId: post.postId, network: 'sandbox' },
    body: { text },
  });

/** The queue's entry for one edit, as legal sees it. */
const reviewItem = async (
  personalisationId: string,
): Promise<{ status: string; text: string; textHash: string } | undefined> => {
  const queue = await call('lou', 'GET /reviews/personalisations', {});
  return queue.body.personalisations.find(
    (p: { personalisationId: string }) => p.personalisationId === personalisationId,
  );
};

describe('employee edits, checked in their final form', () => {
  it('places the disclaimer and the disclosure itself: an edit can neither drop nor need to retype them', async () => {
    const clean = await personalise(ownWords.replace('Hear how', 'Proud to share: hear how'));
    expect(clean.status).toBe(200);
    expect(clean.body.personalisation.text).toContain(TESTIMONIAL);
    expect(clean.body.personalisation.text).toContain('#AcmeEmployee — views my own.');
    expect(clean.body.rendered.text).toContain(TESTIMONIAL);
  });

  it('refuses words that repeat the disclaimer, saying it is placed anyway', async () => {
    const refused = await personalise(`${ownWords} ${TESTIMONIAL}`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([
      { field: 'text', message: expect.stringContaining('added for you') },
    ]);
  });

  it('sends an edit that adds "guaranteed returns" to legal, who can let it through', async () => {
    const waiting = await personalise(
      ownWords.replace('Hear how', 'Guaranteed returns aside, hear how'),
    );
    expect(waiting.status).toBe(202);
    expect(waiting.body.personalisation).toMatchObject({
      status: 'pending_review',
      findings: [expect.objectContaining({ ruleId: 'lexicon.guarantee', severity: 'review' })],
    });
    const queue = await call('lou', 'GET /reviews/personalisations');
    const id = waiting.body.personalisation.personalisationId;
    expect(
      queue.body.personalisations.map((p: { personalisationId: string }) => p.personalisationId),
    ).toContain(id);
    expect((await call('eve', 'GET /reviews/personalisations')).status).toBe(403);
    const { textHash } = (await reviewItem(id)) ?? {};
    const decided = await call(
      'lou',
      'POST /reviews/personalisations/{personalisationId}/approve',
      {
        pathParameters: { personalisationId: id },
        body: { textHash },
      },
    );
    expect(decided.body.personalisation.status).toBe('approved');
    const again = await call('lou', 'POST /reviews/personalisations/{personalisationId}/approve', {
      pathParameters: { personalisationId: id },
      body: { textHash },
    });
    expect(again.status).toBe(409);
  });

  it('refuses legal’s approval of a text the employee replaced after legal read it (409), and queues the new text', async () => {
    const first = await personalise(
      ownWords.replace('Hear how', 'Guaranteed returns aside, hear how'),
    );
    expect(first.status).toBe(202);
    const id = first.body.personalisation.personalisationId;
    const shown = await reviewItem(id);
    expect(shown?.textHash).toMatch(/^[a-f0-9]{64}$/);
    // The employee swaps the text while legal is reading the first one.
    const replacement = ownWords.replace(
      'Hear how',
      'Ask me (eve@cmp.acme.example) about our pre-release Q4 earnings. Hear how',
    );
    const replaced = await personalise(replacement);
    expect(replaced.status).toBe(202);

    const decide = (verb: 'approve' | 'reject', body: Record<string, unknown>) =>
      call('lou', `POST /reviews/personalisations/{personalisationId}/${verb}`, {
        pathParameters: { personalisationId: id },
        body,
      });
    const approvedBlind = await decide('approve', { textHash: shown?.textHash });
    expect(approvedBlind.status).toBe(409);
    expect(approvedBlind.body.error.code).toBe('conflict');
    const rejectedBlind = await decide('reject', { textHash: shown?.textHash, reason: 'no' });
    expect(rejectedBlind.status).toBe(409);

    const waiting = await reviewItem(id);
    expect(waiting).toMatchObject({ status: 'pending_review', ownText: replacement });
    expect(waiting?.textHash).not.toBe(shown?.textHash);
    const decided = await decide('reject', {
      textHash: waiting?.textHash,
      reason: 'No personal data or unreleased results, please',
    });
    expect(decided.status).toBe(200);
    expect(decided.body.personalisation).toMatchObject({
      status: 'rejected',
      ownText: replacement,
    });
  });

  it('lands a decision only if the text read is still the one waiting, checked in the write itself', async () => {
    // The race the handler's own comparison cannot close: the text changes between read and write.
    const read = await personalise(
      ownWords.replace('Hear how', 'Guaranteed returns aside, hear how'),
    );
    const seen: Personalisation = read.body.personalisation;
    const replacement = ownWords.replace('Hear how', 'Guaranteed gains aside, hear how');
    expect((await personalise(replacement)).status).toBe(202);
    const record = {
      at: new Date().toISOString(),
      actor: 'user-lou',
      action: 'personalisation.approved',
      subject: { postId: seen.postId },
      before: null,
      after: {},
    };
    await expect(
      deps.personalisations.save({ ...seen, status: 'approved' }, record, seen),
    ).rejects.toThrow(ConflictError);
    const stored = await deps.personalisations.get(seen.employeeId, seen.postId, 'sandbox');
    expect(stored).toMatchObject({ status: 'pending_review', ownText: replacement });
  });

  it('needs the hash of the text legal read to decide on it', async () => {
    const waiting = await personalise(
      ownWords.replace('Hear how', 'Guaranteed returns aside, hear how'),
    );
    const refused = await call(
      'lou',
      'POST /reviews/personalisations/{personalisationId}/approve',
      {
        pathParameters: { personalisationId: waiting.body.personalisation.personalisationId },
        body: {},
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields.map((f: { field: string }) => f.field)).toContain('textHash');
  });

  it('lets a harmless edit through, and the share worker posts exactly that text (with its tracked link)', async () => {
    const mine = ownWords.replace('Hear how', 'So proud of the team! Hear how');
    const passed = await personalise(mine);
    expect(passed.status).toBe(200);
    expect(passed.body.personalisation.status).toBe('approved');

    const campaign = await call('mia', 'POST /campaigns', {
      body: { postId: post.postId, scheduledAt: new Date().toISOString(), networks: ['sandbox'] },
    });
    expect(campaign.status).toBe(201);
    const employeeId = (await deps.employees.findByEmail('eve@cmp.acme.example')) ?? '';
    const now = new Date();
    await deps.employees.putConnection(
      {
        employeeId,
        network: 'sandbox',
        handle: 'eve',
        audienceSize: 100,
        status: 'active',
        connectedAt: now.toISOString(),
      },
      employeeId,
      now,
    );
    const eve = await deps.employees.get(employeeId);
    await deps.employees.updateConsent(eve, optedIn(), 'consent.updated', employeeId, now);
    const shareId = shareIdFor(campaign.body.campaign.campaignId, employeeId, 'sandbox');
    const result = await publishShare(
      {
        shareId,
        campaignId: campaign.body.campaign.campaignId,
        postId: post.postId,
        employeeId,
        network: 'sandbox',
      },
      {
        ...deps,
        networks: createNetworkRegistry(TABLE),
        credentials: testCredentials(TABLE),
        links: createLinkStore(TABLE),
        linkBase: 'https://chorus.example',
        policy: () => deps.compliancePolicies.current(),
        sharingPolicy: async () => defaultSharingPolicy,
        leaseMs: 30_000,
      },
    );
    expect(result.kind === 'done' && result.share.status).toBe('published');
    const tracked = `https://chorus.example/l/${linkCodeFor(shareId)}`;
    const whole: string = passed.body.personalisation.text;
    expect(whole).toContain(mine);
    expect(post.link && whole.includes(post.link)).toBe(true);
    expect((await findSandboxPost(TABLE, shareId))?.text).toBe(
      whole.replaceAll(post.link ?? '', tracked),
    );
  });

  it('answers a dry run for a draft with every finding and the policy version', async () => {
    const checked = await call('mia', 'POST /compliance/check', {
      body: {
        post: {
          variants: [{ text: 'Risk-free and guaranteed! Details: http://bit.ly/x' }],
          topics: ['company'],
        },
      },
    });
    expect(checked.status).toBe(200);
    expect(checked.body.result.outcome).toBe('blocked');
    expect(
      [...new Set(checked.body.result.findings.map((f: { ruleId: string }) => f.ruleId))].sort(),
    ).toEqual(['lexicon.guarantee', 'lexicon.risk-free', 'link.shortener']);
    expect(
      (await call('mia', 'POST /compliance/check', { body: { post: {}, share: {} } })).status,
    ).toBe(400);
  });

  it('answers a draft’s dry run with each text as its network will receive it, findings spanned in it', async () => {
    const copy = 'We guarantee returns on https://acme.example/funds/global-equity-fund-2026';
    const checked = await call('mia', 'POST /compliance/check', {
      body: {
        post: {
          variants: [
            { text: 'Our fund, for {{employee.firstName}}.', networks: ['linkedin'] },
            { text: copy, networks: ['x'] },
          ],
          topics: ['funds'],
        },
      },
    });
    expect(checked.status).toBe(200);
    type Rendered = {
      variant: number;
      network: string;
      text: string;
      parts: { kind: string }[];
      length: { counted: number; limit: number };
      findings: { ruleId: string; span?: { start: number; end: number } }[];
    };
    const rendered: Rendered[] = checked.body.rendered;
    const on = (network: string) => rendered.find((r) => r.network === network);
    // Each variant on the networks it was written for (and on no other).
    expect(rendered.filter((r) => r.variant === 0).map((r) => r.network)).toEqual(['linkedin']);
    expect(rendered.filter((r) => r.variant === 1).map((r) => r.network)).toEqual(['x']);
    // The funds disclaimer and the disclosure appended, the template field filled.
    const linkedin = on('linkedin') as Rendered;
    expect(linkedin.text).toContain('Capital at risk.');
    expect(linkedin.text).toContain('#AcmeEmployee — views my own.');
    expect(linkedin.text).toContain('Our fund, for Alexandrina.');
    expect(linkedin.parts.map((p) => p.kind)).toEqual(['copy', 'disclosure', 'disclaimer']);
    // X counts the URL as 23, whatever its length.
    const x = on('x') as Rendered;
    const url = 'https://acme.example/funds/global-equity-fund-2026';
    expect(x.length).toMatchObject({ limit: 280 });
    expect(x.length.counted).toBe([...x.text.replace(url, '')].length + 23);
    // The finding's span is in exactly the text shown.
    const guarantee = x.findings.find((f) => f.ruleId === 'lexicon.guarantee');
    expect(guarantee?.span && x.text.slice(guarantee.span.start, guarantee.span.end)).toBe(
      'guarantee',
    );
    expect(linkedin.findings.some((f) => f.ruleId === 'lexicon.guarantee')).toBe(false);
  });
});

describe('the dry run, bounded', () => {
  const dryRun = (who: Person, body: unknown) => call(who, 'POST /compliance/check', { body });
  const draft = (variants: number, length = 3000) => ({
    post: {
      // The adversarial shape that took seconds before the engine was made linear.
      variants: Array.from({ length: variants }, () => ({ text: 'a@'.padEnd(length, 'a.') })),
    },
  });

  it('refuses an employee’s whole-draft dry run (403), and checks their own text for a post they may share', async () => {
    const refused = await dryRun('eve', { post: { variants: [{ text: 'Any draft at all' }] } });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const own = await dryRun('eve', {
      share: {
        postId: post.postId,
        network: 'sandbox',
        text: ownWords.replace('Hear how', 'Apply at evil.example! Hear how'),
      },
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      outcome: 'blocked',
      findings: [expect.objectContaining({ ruleId: 'link.domain' })],
    });
    const hidden = await dryRun('eve', {
      share: { postId: 'post-eve-may-not-see', network: 'sandbox', text: 'Hello' },
    });
    expect(hidden.status).toBe(404);
  });

  it('refuses a request over the text budget with 422 in the one error shape, and checks one at it', async () => {
    const over = await dryRun('mia', draft(11));
    expect(over.status).toBe(422);
    expect(over.body.error).toEqual({
      code: 'unprocessable',
      message: 'A dry run checks at most 30000 characters of text; this one has 33000',
    });
    const at = await dryRun('mia', draft(10));
    expect(at.status).toBe(200);
    expect(at.body.result.outcome).toBe('blocked');
  });
});

describe('compliance policy, managed by legal', () => {
  it('refuses a broken policy with the fields named, and leaves the active one untouched', async () => {
    const current = await call('lou', 'GET /policies/compliance');
    const { version, updatedBy: _b, updatedAt: _a, ...input } = current.body.policy;
    const broken = await call('lou', 'PUT /policies/compliance', {
      body: {
        ...input,
        version,
        lexicon: [
          { ...input.lexicon[0], phrase: '' },
          { ...input.lexicon[1], phrase: '(a+)+' },
        ],
      },
    });
    expect(broken.status).toBe(400);
    expect(broken.body.error.fields.map((f: { field: string }) => f.field)).toEqual([
      'lexicon.0.phrase',
      'lexicon.1.phrase',
    ]);
    expect((await call('lou', 'GET /policies/compliance')).body.policy.version).toBe(version);
    expect(
      (await call('mia', 'PUT /policies/compliance', { body: { ...input, version } })).status,
    ).toBe(403);
    expect(
      (await call('lou', 'PUT /policies/compliance', { body: { ...input, version: version + 5 } }))
        .status,
    ).toBe(409);
    const replaced = await call('lou', 'PUT /policies/compliance', {
      body: {
        ...input,
        version,
        lexicon: [
          ...input.lexicon,
          {
            id: 'moonshot',
            phrase: 'to the moon',
            severity: 'block',
            message: "'{match}' is hype",
          },
        ],
      },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.policy.version).toBe(version + 1);
    const checked = await call('mia', 'POST /compliance/check', {
      body: { post: { variants: [{ text: 'Shares to the moon' }] } },
    });
    expect(checked.body.result).toMatchObject({
      policyVersion: version + 1,
      outcome: 'blocked',
      findings: [expect.objectContaining({ ruleId: 'lexicon.moonshot' })],
    });
    // The same version is served as the same object, so the engine compiles it once.
    expect(await deps.compliancePolicies.current()).toBe(await deps.compliancePolicies.current());
    const versions = await call('lou', 'GET /policies/compliance/versions');
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toContain(
      version + 1,
    );
  });
});
