import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiDependencies } from '#functions/api/dependencies';
import { createPollerDependencies } from '#functions/engagement-poller/dependencies';
import { pollEngagement } from '#functions/engagement-poller/poll-engagement';
import { runSegmentThanks } from '#functions/job-runner/thank-segment';
import { dynamo } from '#shared/aws';
import { CLICK_RULES } from '#shared/links/click-counting';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createSandboxNetwork } from '#shared/networks/sandbox';
import { countersFor } from '#shared/recognition/leaderboard';
import { pointsForReading } from '#shared/recognition/points';
import { defaultRecognitionPolicy } from '#shared/recognition/policy';
import type { Share } from '#shared/shares/share';
import { keys } from '#shared/store/keys';
import { createShareStore } from '#shared/store/shares';
import { apiEvent, callApi } from '../fixtures/api-events';
import { clickDependencies, readerIp, visitLink } from '../fixtures/clicks';
import { publishSandboxShares } from '../fixtures/engagement';
import { sandboxStores } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { OWN_TABLES } from './own-tables';

const TABLE = OWN_TABLES.recognition;
const HOUR = 3_600_000;
const sandbox = createSandboxNetwork(TABLE);
const shares = createShareStore(TABLE);
const deps = createApiDependencies({ TABLE_NAME: TABLE });
const marketer = { sub: 'm-1', email: 'marketer@acme.example', groups: ['marketing'] };
let arranged: Arranged;
let published: Share[];

const as = (index: number) => ({
  sub: `e-${index}`,
  email: arranged.people[index]?.email ?? '',
  groups: ['employee'],
});
const call = async (
  routeKey: string,
  who: { sub: string; email: string; groups: readonly string[] },
  options: {
    query?: Record<string, string>;
    body?: unknown;
    pathParameters?: Record<string, string>;
  } = {},
) => {
  const response = await callApi(
    apiEvent(routeKey, who, {
      ...(options.query ? { query: options.query } : {}),
      ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    }),
    deps,
  );
  return { status: response.statusCode, body: JSON.parse(response.body ?? '{}') };
};

/** Every entry in a person's ledger, and what their counters say, for the month. */
const ledgerAndCounter = async (employeeId: string) => {
  const { Items = [] } = await dynamo().send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': keys.employee(employeeId).pk,
        ':prefix': keys.pointsEntryPrefix,
      },
    }),
  );
  const ledger = Items.reduce((t, i) => t + Number(i.points), 0);
  // The months the entries fall in (the first may be last month's, near a month's start).
  const months = new Set(Items.map((i) => `M${String(i.at).slice(0, 7)}`));
  const counter = await deps.recognition.pointsOf(employeeId, [...months]);
  return { entries: Items.length, ledger, counter };
};

beforeAll(async () => {
  const stores = sandboxStores(TABLE, sandbox);
  arranged = await arrangeCampaign(stores, { count: 3 });
  published = await publishSandboxShares(TABLE, arranged, new Date(Date.now() - 30 * HOUR));
  const readers = clickDependencies(TABLE);
  // Two readers on the first share, one of them clicking a hundred times (the inflation reported
  // in the security review); sixty readers on the third, more than a share earns points for.
  const [first, , third] = published.map((share) => linkCodeFor(share.shareId));
  for (let n = 0; n < 100; n++) await visitLink(readers, first ?? '', { sourceIp: readerIp(1) });
  await visitLink(readers, first ?? '', { sourceIp: readerIp(2) });
  await Promise.all(
    Array.from({ length: 60 }, (_, n) =>
      visitLink(readers, third ?? '', { sourceIp: readerIp(100 + n) }),
    ),
  );
  const poller = createPollerDependencies(TABLE, { sandbox });
  // A first reading an hour after sharing, the second a day later: engagement has grown.
  await pollEngagement(new Date(Date.now() - 29 * HOUR), poller);
  await pollEngagement(new Date(), poller);
});

/** A segment none of the arranged people is in. */
const anotherTeam = async () => {
  const segmentId = `seg-elsewhere-${Math.random().toString(36).slice(2, 10)}`;
  const director = `director-${segmentId}@acme.example`;
  // A list names people in the directory (an unknown email is refused).
  const admin = { sub: 'a-1', email: 'admin@acme.example', groups: ['admin'] };
  await call('POST /employees', admin, { body: { email: director, name: 'Dana Director' } });
  const defined = await call('PUT /segments/{segmentId}', marketer, {
    pathParameters: { segmentId },
    body: { name: 'Board of directors', members: [director] },
  });
  expect(defined.status).toBe(200);
  return segmentId;
};

describe('recognition', () => {
  it('keeps points as a ledger: entries say why, counters equal their sum', async () => {
    const { status, body } = await call('GET /me/recognition', as(0));
    expect(status).toBe(200);
    const first = body.ledger.at(-1);
    expect(first.lines).toEqual(
      expect.arrayContaining([
        { action: 'share', quantity: 1, points: 10 },
        { action: 'clickReceived', quantity: 2, points: 4 },
      ]),
    );
    expect(first.policyVersion).toBe(1);
    // The second reading earned only the new engagement: no second share, no clicks twice.
    expect(body.ledger[0].lines.map((l: { action: string }) => l.action)).toEqual([
      'engagementReceived',
    ]);
    for (const person of arranged.people) {
      const { ledger, counter } = await ledgerAndCounter(person.employeeId);
      expect(counter).toBe(ledger);
    }
    const mine = await ledgerAndCounter(arranged.people[0]?.employeeId ?? '');
    expect(body.points.rolling30).toBe(mine.ledger);
  });

  it('a share earns click points for its first 25 readers only, however many click', async () => {
    const third = published[2] as Share;
    expect((await shares.get(third.shareId))?.clicks).toBe(60);
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.employee(third.employeeId).pk,
          ':prefix': keys.pointsEntryPrefix,
        },
      }),
    );
    const clickLines = Items.filter((i) => i.shareId === third.shareId).flatMap((i) =>
      (i.lines as { action: string; quantity: number }[]).filter(
        (l) => l.action === 'clickReceived',
      ),
    );
    expect(clickLines.reduce((t, l) => t + l.quantity, 0)).toBe(CLICK_RULES.rewardedPerShare);
  });

  it('two pollers recording the same reading give its points once', async () => {
    const share = (await shares.get(published[1]?.shareId ?? '')) as Share;
    const at = new Date(Date.now() + HOUR);
    const reading = (
      await sandbox.fetchMetrics([{ externalId: share.externalId ?? '', url: '' }], at)
    ).get(share.externalId ?? '');
    // Five new clicks since the last reading: points to give, once.
    const clicks = (share.clicks ?? 0) + 5;
    const entry = pointsForReading(share, reading!, clicks, at, defaultRecognitionPolicy);
    expect(entry?.points).toBeGreaterThan(0);
    const before = await ledgerAndCounter(share.employeeId);
    const results = await Promise.all(
      [1, 2].map(async () =>
        shares.recordReading(
          share,
          at,
          reading!,
          clicks,
          null,
          await deps.recognition.awardItems(entry!),
        ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await ledgerAndCounter(share.employeeId);
    expect(after.entries).toBe(before.entries + 1);
    expect(after.counter - before.counter).toBe(entry?.points);
  });

  it('ranks a segment, leaves out who hides, and still shows them their own standing', async () => {
    const query = { period: 'month', segmentId: arranged.segmentId };
    const board = await call('GET /leaderboards', marketer, { query });
    expect(board.status).toBe(200);
    expect(board.body.advocates).toHaveLength(3);
    expect(board.body.advocates[0].rank).toBe(1);
    expect(board.body.advocates[0].employeeId).toBeDefined();

    expect(
      (await call('PUT /me/consent', as(1), { body: { hiddenFromLeaderboards: true } })).status,
    ).toBe(200);
    const seen = await call('GET /leaderboards', as(2), { query });
    expect(seen.body.advocates).toHaveLength(2);
    expect(seen.body.advocates[0]).not.toHaveProperty('employeeId');
    const hidden = await call('GET /leaderboards', as(1), { query });
    expect(hidden.body.me).toMatchObject({ rank: null, hidden: true });
    expect(hidden.body.me.points).toBeGreaterThan(0);
  });

  it('ranks teams by average per active advocate as well as by total, leaving out who hides', async () => {
    // Person 1 hides from boards (the test above): their points count in no team figure.
    const counters = countersFor('quarter', new Date());
    const [shownA, hidden, shownB] = await Promise.all(
      arranged.people.map((p) => deps.recognition.pointsOf(p.employeeId, counters)),
    );
    expect(hidden).toBeGreaterThan(0);
    const { body } = await call('GET /leaderboards/teams', marketer, {
      query: { period: 'quarter' },
    });
    const team = body.teams.find((t: { segmentId: string }) => t.segmentId === arranged.segmentId);
    expect(team.activeAdvocates).toBe(2);
    expect(team.points).toBe((shownA ?? 0) + (shownB ?? 0));
    expect(team.averagePerAdvocate).toBeCloseTo(team.points / 2, 2);
  });

  it('shows employees only the teams they belong to; marketing sees every team', async () => {
    const elsewhere = await anotherTeam();
    const ids = (body: { teams: { segmentId: string }[] }) => body.teams.map((t) => t.segmentId);

    const mine = await call('GET /leaderboards/teams', as(0), { query: { period: 'quarter' } });
    expect(mine.status).toBe(200);
    expect(ids(mine.body)).toEqual([arranged.segmentId]);
    const staff = await call('GET /leaderboards/teams', marketer, { query: { period: 'quarter' } });
    expect(ids(staff.body)).toEqual(expect.arrayContaining([arranged.segmentId, elsewhere]));
  });

  it('answers an employee asking for another team’s board as for an unknown team: 404', async () => {
    const elsewhere = await anotherTeam();
    const query = { period: 'quarter', segmentId: elsewhere };
    expect((await call('GET /leaderboards', as(0), { query })).status).toBe(404);
    expect((await call('GET /leaderboards', marketer, { query })).status).toBe(200);
  });

  it('sends thanks to a segment, which each member sees; bad requests are 4xx', async () => {
    const sent = await call('POST /recognition/thanks', marketer, {
      body: { segmentId: arranged.segmentId, message: 'Thank you for sharing our hiring post!' },
    });
    // A segment is thanked by a job that walks the directory; the request only starts it.
    expect(sent).toMatchObject({ status: 202, body: { job: { kind: 'segmentThanks' } } });
    const jobId: string = sent.body.job.jobId;
    expect(await runSegmentThanks({ jobId }, deps, () => 300_000)).toBe('done');
    expect((await deps.jobs.get(jobId)).thanks?.recipients).toBe(3);
    const { body } = await call('GET /me/recognition', as(2));
    expect(body.thanks[0].message).toBe('Thank you for sharing our hiring post!');
    const one = await call('POST /recognition/thanks', marketer, {
      body: { employeeId: arranged.people[1]?.employeeId, message: 'And you, especially.' },
    });
    expect(one).toMatchObject({ status: 201, body: { recipients: 1 } });
    expect((await call('GET /me/recognition', as(1))).body.thanks[0].message).toBe(
      'And you, especially.',
    );
    expect(
      (
        await call('POST /recognition/thanks', marketer, {
          body: { employeeId: 'nobody', message: 'hi' },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST /recognition/thanks', marketer, {
          body: { employeeId: 'x', segmentId: arranged.segmentId, message: 'hi' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('POST /recognition/thanks', as(0), { body: { employeeId: 'x', message: 'hi' } }))
        .status,
    ).toBe(403);
  });

  it('gives points for connecting a network once, however often it is reconnected', async () => {
    for (let n = 0; n < 2; n++) {
      expect(
        (
          await call('PUT /me/connections/{network}', as(2), {
            pathParameters: { network: 'sandbox' },
            body: { handle: 'someone-else' },
          })
        ).status,
      ).toBe(200);
    }
    const { body } = await call('GET /me/recognition', as(2));
    const connected = body.ledger.filter(
      (e: { entryId: string }) => e.entryId === 'connected#sandbox',
    );
    expect(connected).toHaveLength(1);
  });
});
