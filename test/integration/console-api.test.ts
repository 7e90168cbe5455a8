import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { checkSubmittedPost } from '#functions/compliance-check/check-post';
import { publishShare } from '#functions/share-worker/publish-share';
import { defaultApprovalPolicy } from '#shared/approvals/policy';
import { dynamo } from '#shared/aws';
import { shareIdFor } from '#shared/ids';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import type { Post } from '#shared/posts/post';
import type { RenderedText } from '#shared/shares/final-text';
import { defaultSharingPolicy } from '#shared/sharing/policy';
import { keys } from '#shared/store/keys';
import { createLinkStore } from '#shared/store/links';
import { apiEvent, callApi } from '../fixtures/api-events';
import { testCredentials } from '../fixtures/credentials';
import { optedIn } from '../fixtures/sharing';
import { TABLE } from './setup';

/**
 * What the web console reads: every text exactly as a network would receive it (for the reader
 * there is, or a marked sample person), findings spanned in that very text; personalisation that
 * keeps the locked parts out of the employee's hands; the audit log searched by email.
 */
const API = 'https://chorus.example';
const deps = {
  ...createApiDependencies({ TABLE_NAME: TABLE }),
  apiUrl: API,
  queueShares: async () => {},
};
const run = Math.random().toString(36).slice(2, 8);
const segment = `console-${run}`;
const people = {
  mia: { groups: ['marketing'] },
  lou: { groups: ['legal'] },
  ada: { groups: ['admin'] },
  eve: { groups: ['employee'] },
  ian: { groups: ['employee'] },
} as const;
type Person = keyof typeof people;
const emailOf = (who: Person) => `${who}-${run}@console.acme.example`;
const subOf = (who: Person) => `sub-${who}-${run}`;

const call = (
  who: Person,
  routeKey: string,
  options: {
    body?: unknown;
    pathParameters?: Record<string, string>;
    query?: Record<string, string>;
  } = {},
) =>
  callApi(
    apiEvent(
      routeKey,
      { sub: subOf(who), email: emailOf(who), groups: people[who].groups },
      {
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
        ...(options.query ? { query: options.query } : {}),
      },
    ),
    deps,
  ).then((response) => ({ status: response.statusCode, body: JSON.parse(response.body ?? '{}') }));

const CAPITAL = 'Capital at risk. Past performance does not predict future returns.';
const UK = 'UK investors: the value of investments can fall as well as rise.';
const TESTIMONIAL = 'Testimonial from a client; results vary and were not paid for.';
const DISCLOSURE = '#AcmeEmployee — views my own.';
const LINK = 'https://acme.example/funds/global-equity';
const STAND_IN = `${API}/l/0000000000`;
const slice = (r: RenderedText, span: { start: number; end: number }) =>
  r.text.slice(span.start, span.end);

let post: Post;
let eveId: string;

const approvedPost = async (variants: { text: string }[]): Promise<Post> => {
  const created = await call('mia', 'POST /posts', {
    body: {
      title: 'Fund launch',
      variants,
      link: LINK,
      topics: ['funds'],
      segments: [segment],
      flags: ['containsTestimonial'],
    },
  });
  expect(created.status).toBe(201);
  const postId = created.body.post.postId;
  await call('mia', 'POST /posts/{postId}/submit', { pathParameters: { postId } });
  await checkSubmittedPost(
    { postId, version: 1, from: 'draft', to: 'submitted', actor: subOf('mia') },
    {
      posts: deps.posts,
      policy: () => deps.compliancePolicies.current(),
      approvalPolicy: async () => defaultApprovalPolicy,
      now: () => new Date(),
    },
  );
  return (await deps.posts.get(postId)) as Post;
};

const approve = async (p: Post) => {
  const approved = await call('lou', 'POST /posts/{postId}/approve', {
    pathParameters: { postId: p.postId },
    body: { version: p.version },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return approved.body.post as Post;
};

const campaignFor = async (p: Post) => {
  const created = await call('mia', 'POST /campaigns', {
    body: { postId: p.postId, scheduledAt: new Date().toISOString(), networks: ['sandbox'] },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.campaign.campaignId as string;
};

/** Publishes the employee's share of a campaign through the share worker; answers what was posted. */
const publishedText = async (campaignId: string, employeeId: string, p: Post) => {
  const shareId = shareIdFor(campaignId, employeeId, 'sandbox');
  const result = await publishShare(
    { shareId, campaignId, postId: p.postId, employeeId, network: 'sandbox', mode: 'own' },
    {
      ...deps,
      networks: createNetworkRegistry(TABLE),
      credentials: testCredentials(TABLE),
      links: createLinkStore(TABLE),
      linkBase: API,
      policy: () => deps.compliancePolicies.current(),
      sharingPolicy: async () => defaultSharingPolicy,
      leaseMs: 30_000,
    },
  );
  expect(result.kind === 'done' && result.share.status).toBe('published');
  return (await findSandboxPost(TABLE, shareId))?.text;
};

const feedText = async (campaignId: string): Promise<RenderedText> => {
  const feed = await call('eve', 'GET /me/feed');
  expect(feed.status).toBe(200);
  const item = feed.body.items.find((i: { campaignId: string }) => i.campaignId === campaignId);
  const sandbox = item.networks.find((n: { network: string }) => n.network === 'sandbox');
  expect(sandbox.rendered, JSON.stringify(sandbox)).toBeDefined();
  return sandbox.rendered;
};

beforeAll(async () => {
  await call('ada', 'PUT /segments/{segmentId}', {
    pathParameters: { segmentId: segment },
    body: { name: 'Console', rule: { all: [{ attribute: 'groups', in: [segment] }] } },
  });
  for (const [who, jurisdiction] of [
    ['eve', 'GB'],
    ['ian', undefined],
  ] as const) {
    const hired = await call('ada', 'POST /employees', {
      body: {
        email: emailOf(who),
        name: `${who[0]?.toUpperCase()}${who.slice(1)} Example`,
        groups: [segment],
        ...(jurisdiction ? { jurisdiction, department: 'Sales', location: 'London' } : {}),
      },
    });
    expect(hired.status, JSON.stringify(hired.body)).toBe(201);
  }
  eveId = (await deps.employees.findByEmail(emailOf('eve'))) ?? '';
  const now = new Date();
  await deps.employees.putConnection(
    {
      employeeId: eveId,
      network: 'sandbox',
      handle: 'eve',
      audienceSize: 100,
      status: 'active',
      connectedAt: now.toISOString(),
    },
    eveId,
    now,
  );
  const eve = await deps.employees.get(eveId);
  await deps.employees.updateConsent(
    eve,
    optedIn({ networks: { sandbox: { autoShare: false } } }),
    'consent.updated',
    eveId,
    now,
  );
  // Eve signs in: her sub is linked to her directory entry, and her own steps carry it.
  expect((await call('eve', 'GET /me')).status).toBe(200);
  post = await approvedPost([
    { text: '{{employee.firstName}} here: our Global Equity Fund opens today. We guarantee care.' },
  ]);
  expect(post.status).toBe('in_review');
});

describe('the review answer: each variant as each network receives it', () => {
  it('renders with a marked sample person and a stand-in link, findings spanned in that text', async () => {
    const review = await call('lou', 'GET /posts/{postId}/review', {
      pathParameters: { postId: post.postId },
    });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    const rendered: RenderedText[] = review.body.rendered;
    expect(rendered.map((r) => `${r.variant}:${r.network}`)).toEqual([
      '0:bluesky',
      '0:mastodon',
      '0:sandbox',
    ]);
    for (const r of rendered) {
      expect(r.reader).toBe('sample');
      expect(r.text).not.toContain('{{');
      expect(r.fields.map((f) => [f.field, slice(r, f)])).toEqual([
        ['employee.firstName', 'Alexandrina'],
      ]);
      expect(r.link).toEqual({ destination: LINK, posted: 'stand-in' });
      const parts = r.parts.map((p) => [p.kind, slice(r, p)]);
      expect(parts).toEqual([
        ['copy', 'Alexandrina here: our Global Equity Fund opens today. We guarantee care.'],
        ['disclosure', DISCLOSURE],
        ['link', STAND_IN],
        ['disclaimer', TESTIMONIAL],
        ['disclaimer', CAPITAL],
      ]);
      const guarantee = r.findings.find((f) => f.ruleId === 'lexicon.guarantee');
      expect(guarantee?.span && slice(r, guarantee.span)).toBe('guarantee');
      expect(guarantee).toMatchObject({ severity: 'review', variant: 0, network: r.network });
      expect(r.outcome).toBe('review');
      expect(r.length.counted).toBeLessThanOrEqual(r.length.limit);
    }
    expect(review.body.regulatedBecause.length).toBeGreaterThan(0);
    expect(review.body.diff).toEqual({ against: null, changes: [] });
  });

  it('lists the same item in the queue', async () => {
    const queue = await call('lou', 'GET /reviews', { query: { role: 'legal', limit: '100' } });
    expect(queue.status).toBe(200);
    const item = queue.body.items.find(
      (i: { post: { postId: string } }) => i.post.postId === post.postId,
    );
    const single = await call('lou', 'GET /posts/{postId}/review', {
      pathParameters: { postId: post.postId },
    });
    expect(item).toEqual(single.body);
  });

  it('maps a link finding onto the link as posted', async () => {
    const shortened = await approvedPost([
      { text: 'Read more at https://bit.ly/abc before the fund opens.' },
    ]);
    const review = await call('lou', 'GET /posts/{postId}/review', {
      pathParameters: { postId: shortened.postId },
    });
    const sandbox = (review.body.rendered as RenderedText[]).find((r) => r.network === 'sandbox');
    const finding = sandbox?.findings.find((f) => f.ruleId === 'link.shortener');
    expect(sandbox && finding?.span && slice(sandbox, finding.span)).toBe('https://bit.ly/abc');
    // The disclaimers after the stand-in link are spanned where they are in this text.
    const last = sandbox?.parts.at(-1);
    expect(sandbox && last && slice(sandbox, last)).toBe(CAPITAL);
  });
});

describe('the feed and the library: the exact text for me', () => {
  let campaignId: string;

  beforeAll(async () => {
    post = await approve(post);
    campaignId = await campaignFor(post);
  });

  it('shows my text with my name, my jurisdiction’s disclaimer and my tracked link, and the worker posts exactly it', async () => {
    const rendered = await feedText(campaignId);
    const shareId = shareIdFor(campaignId, eveId, 'sandbox');
    expect(rendered).toMatchObject({
      reader: 'employee',
      link: { destination: LINK, posted: 'tracked' },
    });
    expect(rendered.text).toContain('Eve here: our Global Equity Fund opens today.');
    expect(rendered.text).toContain(`${API}/l/${linkCodeFor(shareId)}`);
    expect(rendered.text).toContain(UK);
    expect(rendered.text).toContain(CAPITAL);
    const guarantee = rendered.findings.find((f) => f.ruleId === 'lexicon.guarantee');
    expect(guarantee?.span && slice(rendered, guarantee.span)).toBe('guarantee');
    expect(await publishedText(campaignId, eveId, post)).toBe(rendered.text);
  });

  it('fills the library’s template fields with my data', async () => {
    const library = await call('eve', 'GET /library', { query: { topic: 'funds' } });
    expect(library.status).toBe(200);
    const entry = library.body.posts.find((p: { postId: string }) => p.postId === post.postId);
    const sandbox = (entry.rendered as RenderedText[]).find((r) => r.network === 'sandbox');
    expect(sandbox?.text).toContain('Eve here:');
    expect(sandbox?.text).not.toContain('{{');
    expect(sandbox?.text).toContain(UK);
    expect(sandbox?.fields.map((f) => sandbox && slice(sandbox, f))).toEqual(['Eve']);
  });
});

describe('personalisation: my words, Chorus’s locked parts', () => {
  const personalise = (text: string) =>
    call('eve', 'PUT /me/personalisations/{postId}/{network}', {
      pathParameters: { postId: post.postId, network: 'sandbox' },
      body: { text },
    });

  it('makes a clean edit ready at once, without retyping a disclaimer, and answers the text as posted', async () => {
    const own = 'Proud of my team: our Global Equity Fund opens today.';
    const ready = await personalise(own);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.personalisation).toMatchObject({ status: 'approved', ownText: own });
    const rendered: RenderedText = ready.body.rendered;
    expect(rendered.parts.map((p) => [p.kind, slice(rendered, p)])).toEqual([
      ['copy', own],
      ['disclosure', DISCLOSURE],
      ['link', STAND_IN],
      ['disclaimer', TESTIMONIAL],
      ['disclaimer', CAPITAL],
      ['disclaimer', UK],
    ]);
    expect(ready.body.personalisation.text).toBe(rendered.text.replace(STAND_IN, LINK));
  });

  it('posts the approved edit, locked parts and tracked link in place, as the feed shows it', async () => {
    const own = 'Proud of my team: our Global Equity Fund opens today.';
    expect((await personalise(own)).status).toBe(200);
    const campaignId = await campaignFor(post);
    const rendered = await feedText(campaignId);
    expect(rendered.parts[0] && slice(rendered, rendered.parts[0])).toBe(own);
    const published = await publishedText(campaignId, eveId, post);
    expect(published).toBe(rendered.text);
    expect(published).toContain(TESTIMONIAL);
    expect(published).toContain(DISCLOSURE);
  });

  it('still posts an edit written whole before Chorus placed the locked parts, as the feed shows it', async () => {
    const own = 'Proud of my team: our Global Equity Fund opens today.';
    const { personalisation } = (await personalise(own)).body;
    const { ownText: _own, ...written } = personalisation;
    await deps.personalisations.save(
      written,
      {
        at: new Date().toISOString(),
        actor: subOf('eve'),
        action: 'personalisation.checked',
        subject: { postId: post.postId },
        before: null,
        after: {},
      },
      personalisation,
    );
    const stored = await deps.personalisations.get(eveId, post.postId, 'sandbox');
    expect(stored?.ownText).toBeUndefined();
    const campaignId = await campaignFor(post);
    const rendered = await feedText(campaignId);
    const tracked = `${API}/l/${linkCodeFor(shareIdFor(campaignId, eveId, 'sandbox'))}`;
    expect(rendered.text).toBe(personalisation.text.replace(LINK, tracked));
    expect(await publishedText(campaignId, eveId, post)).toBe(rendered.text);
  });

  it('refuses words that repeat a locked part (400): it is placed anyway', async () => {
    for (const repeated of [`So good. ${TESTIMONIAL}`, `Read it: ${LINK}`]) {
      const refused = await personalise(repeated);
      expect(refused.status, repeated).toBe(400);
      expect(refused.body.error.fields[0].field).toBe('text');
    }
  });

  it('sends a risky edit to legal with findings spanned in the text as posted', async () => {
    const waiting = await personalise('Guarantee yourself a look at our new fund.');
    expect(waiting.status).toBe(202);
    const rendered: RenderedText = waiting.body.rendered;
    const finding = rendered.findings.find((f) => f.ruleId === 'lexicon.guarantee');
    expect(finding?.span && slice(rendered, finding.span)).toBe('Guarantee');
    expect(waiting.body.personalisation.findings).toEqual(rendered.findings);
  });

  it('shows legal the waiting edit as posted, findings spanned, beside the approved original', async () => {
    const queue = await call('lou', 'GET /reviews/personalisations', { query: { limit: '100' } });
    expect(queue.status).toBe(200);
    const item = queue.body.personalisations.find(
      (p: { employeeId: string; postId: string }) =>
        p.employeeId === eveId && p.postId === post.postId,
    );
    const rendered: RenderedText = item.rendered;
    expect(rendered.text.replace(STAND_IN, LINK)).toBe(item.text);
    expect(rendered.parts[0] && slice(rendered, rendered.parts[0])).toBe(
      'Guarantee yourself a look at our new fund.',
    );
    const finding = rendered.findings.find((f) => f.ruleId === 'lexicon.guarantee');
    expect(finding?.span && slice(rendered, finding.span)).toBe('Guarantee');
    expect(item.original.text).toContain('Eve here: our Global Equity Fund opens today.');
    expect(item.original.text).toContain(UK);
    // Who wrote it, as the directory names her: legal weighs an edit knowing whose it is.
    expect(item.author).toEqual({
      name: 'Eve Example',
      email: emailOf('eve'),
      department: 'Sales',
      location: 'London',
    });
  });

  it('refuses a blocked edit (422) with the text its findings’ spans point into', async () => {
    const refused = await personalise("With this fund you can't lose.");
    expect(refused.status).toBe(422);
    const { text, findings } = refused.body.error;
    const finding = findings.find((f: { ruleId: string }) => f.ruleId === 'lexicon.cannot-lose');
    expect(text.slice(finding.span.start, finding.span.end)).toBe("can't lose");
    expect(text).toContain(TESTIMONIAL);
  });

  it('checks my words live, as a personalisation would be, without storing them', async () => {
    const checked = await call('eve', 'POST /compliance/check', {
      body: { share: { postId: post.postId, network: 'sandbox', text: 'Risk free, they say.' } },
    });
    expect(checked.status).toBe(200);
    const finding = checked.body.findings.find(
      (f: { ruleId: string }) => f.ruleId === 'lexicon.risk-free',
    );
    expect(checked.body.rendered.text.slice(finding.span.start, finding.span.end)).toBe(
      'Risk free',
    );
    expect(checked.body.rendered.text).toContain(CAPITAL);
  });

  it('places a locked part added to the policy after my edit was approved, rather than blocking my share', async () => {
    const own = 'Proud of my team: our Global Equity Fund opens today.';
    expect((await personalise(own)).status).toBe(200);
    const current = await call('lou', 'GET /policies/compliance');
    const { updatedBy: _b, updatedAt: _a, ...input } = current.body.policy;
    const added = 'UK readers: this is not a personal recommendation.';
    const replaced = await call('lou', 'PUT /policies/compliance', {
      body: {
        ...input,
        disclaimers: [
          ...input.disclaimers,
          { id: 'gb-not-advice', text: added, when: { topics: ['funds'], jurisdictions: ['GB'] } },
        ],
      },
    });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    const campaignId = await campaignFor(post);
    const rendered = await feedText(campaignId);
    expect(rendered.parts[0] && slice(rendered, rendered.parts[0])).toBe(own);
    expect(rendered.text).toContain(added);
    expect(await publishedText(campaignId, eveId, post)).toBe(rendered.text);
  });
});

describe('the audit log searched by email', () => {
  const audit = (query: Record<string, string>) => call('lou', 'GET /audit', { query });
  const from = new Date(Date.now() - 86_400_000).toISOString();

  it('finds what the person did, by the email the directory holds (any case)', async () => {
    for (const email of [emailOf('eve'), emailOf('eve').toUpperCase()]) {
      const found = await audit({ email, from });
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      const actions = found.body.entries.map((e: { action: string }) => e.action);
      expect(actions).toContain('identity.linked');
      expect(actions).toContain('personalisation.checked');
      expect(new Set(found.body.entries.map((e: { actor: string }) => e.actor))).toEqual(
        new Set([subOf('eve')]),
      );
    }
  });

  it('pages with the cursors it hands out, and narrows to a post', async () => {
    const seen: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = await audit({
        email: emailOf('eve'),
        from,
        limit: '1',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.status).toBe(200);
      seen.push(...page.body.entries);
      cursor = page.body.cursor;
    } while (cursor && seen.length < 100);
    const all = await audit({ email: emailOf('eve'), from });
    expect(seen).toEqual(all.body.entries);
    const onPost = await audit({ email: emailOf('eve'), from, postId: post.postId });
    expect(onPost.body.entries.length).toBeGreaterThan(0);
    expect(
      onPost.body.entries.every(
        (e: { subject: { postId?: string } }) => e.subject.postId === post.postId,
      ),
    ).toBe(true);
  });

  it('answers an unknown email and a never-signed-in one alike: nothing on the record', async () => {
    for (const email of [`nobody-${run}@console.acme.example`, emailOf('ian')]) {
      const found = await audit({ email, from });
      expect(found.status).toBe(200);
      expect(found.body.entries).toEqual([]);
      expect(found.body.cursor).toBeUndefined();
    }
  });

  it('refuses a forged cursor (400) whether or not the email is known, and email with actor', async () => {
    const forged = Buffer.from(JSON.stringify({ day: 0, key: { pk: 'x' } })).toString('base64url');
    for (const email of [emailOf('eve'), `nobody-${run}@console.acme.example`]) {
      const refused = await audit({ email, from, cursor: forged });
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    const both = await audit({ email: emailOf('eve'), actor: subOf('eve') });
    expect(both.status).toBe(400);
    expect((await audit({ email: 'not an email' })).status).toBe(400);
  });
});

describe('an audit stream verified from the console', () => {
  const verify = (stream: string) => call('lou', 'GET /audit/verify', { query: { stream } });

  it('says the chain of a post’s stream holds, and where it breaks once an entry is edited', async () => {
    const found = await call('lou', 'GET /audit', { query: { postId: post.postId } });
    const entry = found.body.entries.find((e: { stream: string }) =>
      e.stream.includes(post.postId),
    );
    expect(entry, JSON.stringify(found.body)).toBeDefined();
    const holds = await verify(entry.stream);
    expect(holds.status, JSON.stringify(holds.body)).toBe(200);
    expect(holds.body).toMatchObject({ stream: entry.stream, holds: true, complete: true });
    expect(holds.body.entries).toBeGreaterThanOrEqual(entry.seq);

    const key = keys.auditEntry(entry.stream, entry.seq);
    const { Item: original } = await dynamo().send(new GetCommand({ TableName: TABLE, Key: key }));
    try {
      await dynamo().send(
        new UpdateCommand({
          TableName: TABLE,
          Key: key,
          UpdateExpression: 'SET actor = :someoneElse',
          ExpressionAttributeValues: { ':someoneElse': 'user-innocent' },
        }),
      );
      const broken = await verify(entry.stream);
      expect(broken.status).toBe(200);
      expect(broken.body.holds).toBe(false);
      expect(broken.body.broken).toEqual({
        seq: entry.seq,
        problem: 'its content does not match its hash (edited)',
      });
    } finally {
      await dynamo().send(new PutCommand({ TableName: TABLE, Item: original }));
    }
    expect((await verify(entry.stream)).body.holds).toBe(true);
  });

  it('answers 404 for a stream with no entries, and 400 without a stream', async () => {
    expect((await verify(`post#nobody-${run}`)).status).toBe(404);
    expect((await call('lou', 'GET /audit/verify')).status).toBe(400);
    expect((await call('eve', 'GET /audit/verify', { query: { stream: 'x' } })).status).toBe(403);
  });
});

describe('comment threads: a reply names a comment on the same post', () => {
  const comment = (postId: string, body: Record<string, unknown>) =>
    call('lou', 'POST /posts/{postId}/comments', { pathParameters: { postId }, body });

  it('keeps a reply with the comment it answers, and lists both', async () => {
    const first = await comment(post.postId, { text: 'Is “care” a promise?' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const { commentId, version } = first.body.comment;
    const reply = await comment(post.postId, {
      text: 'It reads as one.',
      replyTo: commentId,
      version,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.comment).toMatchObject({ replyTo: commentId, version });
    const listed = await call('lou', 'GET /posts/{postId}/comments', {
      pathParameters: { postId: post.postId },
    });
    const answer = listed.body.comments.find(
      (c: { commentId: string }) => c.commentId === reply.body.comment.commentId,
    );
    expect(answer.replyTo).toBe(commentId);
  });

  it('refuses a reply to a comment of another post or to none (404), and a malformed one (400)', async () => {
    const other = await approvedPost([{ text: 'Another fund opens.' }]);
    const elsewhere = await comment(other.postId, { text: 'On the other post.' });
    expect(elsewhere.status).toBe(201);
    const crossed = await comment(post.postId, {
      text: 'A reply across posts',
      replyTo: elsewhere.body.comment.commentId,
    });
    expect(crossed.status).toBe(404);
    expect((await comment(post.postId, { text: 'To nobody', replyTo: 'cmt_none' })).status).toBe(
      404,
    );
    expect((await comment(post.postId, { text: 'Bad', replyTo: 42 })).status).toBe(400);
    expect((await comment(post.postId, { text: 'Bad', replyTo: '' })).status).toBe(400);
    const listed = await call('lou', 'GET /posts/{postId}/comments', {
      pathParameters: { postId: post.postId },
    });
    expect(
      listed.body.comments.some((c: { text: string }) =>
        ['A reply across posts', 'To nobody', 'Bad'].includes(c.text),
      ),
    ).toBe(false);
  });
});

describe('the diff against the last approved version', () => {
  it('shows what changed since the approval, word by word', async () => {
    // The campaigns above were scheduled and never went out: an edit waits until they are
    // cancelled, as they would send the approved version.
    const { campaigns } = await deps.campaigns.list(
      { postId: post.postId, status: 'scheduled', order: 'newest' },
      { limit: 100 },
    );
    for (const { campaignId } of campaigns) {
      const cancelled = await call('mia', 'POST /campaigns/{campaignId}/cancel', {
        pathParameters: { campaignId },
      });
      expect(cancelled.status).toBe(200);
    }
    const edited = await call('mia', 'PUT /posts/{postId}', {
      pathParameters: { postId: post.postId },
      body: {
        title: post.title,
        variants: [{ text: '{{employee.firstName}} here: our Global Equity Fund opens now.' }],
        link: LINK,
        topics: ['funds'],
        segments: [segment],
        flags: ['containsTestimonial'],
        version: post.version,
      },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const review = await call('lou', 'GET /posts/{postId}/review', {
      pathParameters: { postId: post.postId },
    });
    expect(review.body.diff.against).toBe(1);
    const change = review.body.diff.changes.find(
      (c: { field: string }) => c.field === 'variants.0.text',
    );
    expect(change.text).toEqual([
      { kind: 'same', text: '{{employee.firstName}} here: our Global Equity Fund opens ' },
      { kind: 'removed', text: 'today' },
      { kind: 'added', text: 'now' },
      { kind: 'same', text: '.' },
      { kind: 'removed', text: ' We guarantee care.' },
    ]);
  });
});
