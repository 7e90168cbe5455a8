import { describe, expect, it } from 'vitest';
import { buildReport, tableAsCsv } from '#shared/analytics/report';
import { parseGroupsClaim } from '#shared/auth/roles';
import { nextPollAt, nextPollFor } from '#shared/engagement/cadence';
import { Cadence, defaultEngagementPolicy } from '#shared/engagement/policy';
import { newEmployeeId, shareIdFor } from '#shared/ids';
import { sandboxAudienceOf, sandboxEngagement } from '#shared/networks/sandbox';
import { contentHashOf } from '#shared/posts/content-hash';
import { diffContent } from '#shared/posts/diff';
import { PostContent } from '#shared/posts/post';
import { personValues, templateProblems } from '#shared/posts/template';
import type { Share } from '#shared/shares/share';
import { DIRECTORY_SHARDS, directoryShardOf } from '#shared/store/employees';
import { content } from '../fixtures/posts';

const HOUR = 3_600_000;

describe('identity', () => {
  it('derives a share id from campaign, employee and network only', () => {
    expect(shareIdFor('c', 'e', 'sandbox')).toBe(shareIdFor('c', 'e', 'sandbox'));
    expect(shareIdFor('c', 'e', 'sandbox')).not.toBe(shareIdFor('c', 'e2', 'sandbox'));
    expect(shareIdFor('c', 'ea', 'x')).not.toBe(shareIdFor('c', 'e', 'ax'));
  });

  it('draws employee ids (never derived from an email) that spread over every directory shard', () => {
    const shards = new Set(Array.from({ length: 400 }, () => directoryShardOf(newEmployeeId())));
    expect([...shards].sort((a, b) => a - b)).toEqual(
      Array.from({ length: DIRECTORY_SHARDS }, (_, i) => i),
    );
  });
});

describe('content hash', () => {
  const post = content();
  it('changes with any edit to what the public sees or who sees it', () => {
    const base = contentHashOf(post);
    expect(contentHashOf({ ...post })).toBe(base);
    expect(contentHashOf({ ...post, variants: [{ text: 'Hi!' }] })).not.toBe(base);
    expect(contentHashOf({ ...post, link: undefined })).not.toBe(base);
    expect(contentHashOf({ ...post, segments: ['other'] })).not.toBe(base);
    expect(contentHashOf({ ...post, compliance: { disclaimers: ['D'] } })).not.toBe(base);
  });
});

describe('post content', () => {
  it('refuses unknown template fields at save time, naming the variant', () => {
    const result = PostContent.safeParse({
      title: 'T',
      variants: [{ text: 'ok {{company}}' }, { text: 'Hi {{employee.nickname}}' }],
      segments: ['sales'],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['variants', 1, 'text'],
      message: expect.stringContaining('unknown template field {{employee.nickname}}'),
    });
    expect(templateProblems('Hi {{company')).toEqual([
      'a template field is not closed: write fields as {{name}}',
    ]);
  });

  it('splits names for templates; one-word names have no last name', () => {
    expect(personValues('Ada King Lovelace')).toEqual({
      'employee.firstName': 'Ada',
      'employee.lastName': 'King Lovelace',
      'employee.name': 'Ada King Lovelace',
    });
    expect(personValues('Plato')['employee.lastName']).toBe('');
  });

  it('diffs versions field by field with word-level changes in text', () => {
    const before = content();
    const after = content({
      variants: [{ text: 'Our quarter in two charts.' }],
      topics: ['company', 'results'],
    });
    const changes = diffContent(before, after);
    expect(changes.map((c) => c.field)).toEqual(['variants.0.text', 'topics']);
    const words = (kind: string) =>
      changes[0]?.text?.filter((t) => t.kind === kind).map((t) => t.text);
    expect(words('removed')).toEqual(['one', 'chart']);
    expect(words('added')).toEqual(['two', 'charts']);
    expect(diffContent(before, before)).toEqual([]);
  });
});

describe('groups claim', () => {
  it('reads API Gateway’s flattened arrays, real arrays and comma lists, ignoring unknown groups', () => {
    expect(parseGroupsClaim('[legal marketing]')).toEqual(['legal', 'marketing']);
    expect(parseGroupsClaim(['admin', 'root'])).toEqual(['admin']);
    expect(parseGroupsClaim('employee,legal')).toEqual(['employee', 'legal']);
    expect(parseGroupsClaim(undefined)).toEqual([]);
  });
});

describe('poll cadence', () => {
  const published = new Date('2026-01-01T00:00:00Z');
  const at = (ms: number) => new Date(published.getTime() + ms);
  it('polls young posts often and old ones rarely, then stops', () => {
    expect(nextPollAt(published, at(HOUR))?.getTime()).toBe(at(HOUR + HOUR / 4).getTime());
    expect(nextPollAt(published, at(3 * HOUR))?.getTime()).toBe(at(4 * HOUR).getTime());
    expect(nextPollAt(published, at(31 * 24 * HOUR))).toBeNull();
  });

  it('brings shares published minutes apart onto the same reading, at most one period on', () => {
    const readingOf = (minute: number) => {
      const sharedAt = at(minute * 60_000);
      return nextPollAt(sharedAt, sharedAt)?.toISOString();
    };
    expect(new Set([0, 5, 9, 14].map(readingOf))).toEqual(new Set([at(HOUR / 4).toISOString()]));
    expect(new Set([15, 20, 24, 29].map(readingOf))).toEqual(new Set([at(HOUR / 2).toISOString()]));
    const later = nextPollAt(published, at(3 * HOUR + 20 * 60_000));
    expect(later?.toISOString()).toBe(at(4 * HOUR).toISOString());
  });

  it('reads X posts on its own, cheaper cadence: each UTC day read costs a fee', () => {
    const policy = defaultEngagementPolicy;
    expect(nextPollFor(policy, 'x', published, at(3 * HOUR))?.getTime()).toBe(
      at(6 * HOUR).getTime(),
    );
    expect(nextPollFor(policy, 'x', published, at(8 * 24 * HOUR))).toBeNull();
    expect(nextPollFor(policy, 'bluesky', published, at(8 * 24 * HOUR))).not.toBeNull();
  });

  it('refuses a cadence whose steps are out of order', () => {
    const steps = [
      { untilAgeHours: 24, everyMinutes: 60 },
      { untilAgeHours: 2, everyMinutes: 15 },
    ];
    expect(Cadence.safeParse(steps).success).toBe(false);
    expect(Cadence.safeParse(steps.toReversed()).success).toBe(true);
  });
});

describe('sandbox network model', () => {
  it('is deterministic and grows with age', () => {
    expect(sandboxAudienceOf('ada')).toBe(sandboxAudienceOf('ada'));
    const early = sandboxEngagement('sbx_1', 1000, HOUR);
    const late = sandboxEngagement('sbx_1', 1000, 24 * HOUR);
    expect(sandboxEngagement('sbx_1', 1000, HOUR)).toEqual(early);
    expect(late.impressions ?? 0).toBeGreaterThan(early.impressions ?? 0);
    expect(sandboxEngagement('sbx_1', 1000, 0).impressions).toBe(0);
  });
});

describe('analytics report', () => {
  const share = (over: Partial<Share>): Share => ({
    shareId: 's',
    campaignId: 'c',
    postId: 'p',
    employeeId: 'e',
    network: 'sandbox',
    status: 'published',
    audienceSize: 100,
    startedAt: '2026-01-01T00:00:00.000Z',
    attempt: 1,
    ...over,
  });

  const policy = {
    reactionWeight: 0.5,
    mediaRates: { sandbox: { cpm: 10, cpc: 1 }, linkedin: { cpm: 30, cpc: 5 } },
  };
  const report = (shares: Share[], invited: number | null = null) =>
    buildReport({ shares, invited, policy, names: new Map(), titles: new Map(), timeZone: 'UTC' });

  it('sums reach over published shares and reports unread engagement as null, not zero', () => {
    const result = report([share({}), share({ audienceSize: 50 }), share({ status: 'failed' })]);
    expect(result.totals.potentialReach).toMatchObject({ value: 150, source: 'counted' });
    expect(result.totals.potentialReach.note).not.toContain('LinkedIn');
    const withLinkedIn = report([share({}), share({ network: 'linkedin', audienceSize: 0 })]);
    expect(withLinkedIn.totals.potentialReach.note).toContain(
      '1 LinkedIn shares count 0: LinkedIn tells this app no audience',
    );
    expect(result.totals.shares.value).toBe(2);
    expect(result.totals.failed.value).toBe(1);
    expect(result.totals.impressions).toMatchObject({ value: null, source: 'measured' });
    expect(result.totals.impressions.note).toBe(
      'read from the networks for 0 of 2 shares; sandbox network: modelled engagement, not a real audience',
    );
  });

  it('sums what was measured, counts clicks, and divides by impressions where they were given', () => {
    const engagement = { impressions: 100, reactions: 4, comments: 1, reshares: 1 };
    const result = report([share({ engagement, clicks: 4 }), share({ engagement })]);
    expect(result.totals.impressions).toMatchObject({ value: 200, source: 'measured' });
    expect(result.totals.clicks).toMatchObject({ value: 4, source: 'counted' });
    expect(result.totals.engagementRate).toMatchObject({ value: 0.08, source: 'measured' });
    // EMV = 10 × 200 / 1000 + 1 × (0.5 × 8 + 4)
    expect(result.totals.earnedMediaValueUsd).toMatchObject({ value: 10, source: 'estimated' });
    // Second round: 2 reshares × an average audience of 100.
    expect(result.totals.secondRoundReach).toMatchObject({ value: 200, source: 'estimated' });
  });

  it('lets no audience stand in for figures a network does not give, and says so', () => {
    const result = report([
      share({
        network: 'linkedin',
        engagementUnavailable: 'no figures',
        clicks: 2,
        audienceSize: 1000,
      }),
    ]);
    expect(result.totals.reactions.value).toBeNull();
    expect(result.totals.reactions.note).toContain('no figures given by linkedin');
    expect(result.totals.earnedMediaValueUsd).toMatchObject({ value: null, source: 'estimated' });
    expect(result.totals.earnedMediaValueUsd.note).toContain('no engagement measured yet');
    expect(result.totals.engagementRate).toMatchObject({ value: null, source: 'measured' });
  });

  it('counts participation against the people invited, ranks advocates, and finds the best hour', () => {
    const engaged = { impressions: 10, reactions: 5, comments: 0, reshares: 0 };
    const result = report(
      [
        share({ employeeId: 'a', publishedAt: '2026-01-05T09:10:00.000Z', engagement: engaged }),
        share({ employeeId: 'b', publishedAt: '2026-01-05T17:00:00.000Z' }),
        share({ employeeId: 'c', status: 'skipped' }),
      ],
      4,
    );
    expect(result.totals.participation).toMatchObject({ value: 0.5, source: 'counted' });
    expect(result.topAdvocates.map((r) => r.employeeId)).toEqual(['a', 'b']);
    expect(result.bestTimes[0]).toEqual({
      weekday: 'mon',
      hour: 9,
      shares: 1,
      engagementPerShare: 5,
    });
  });

  it('exports a table as CSV with each column naming its source, and neutralises formulas', () => {
    const result = report([share({ employeeId: 'a' })]);
    const csv = tableAsCsv(
      {
        ...result,
        topAdvocates: result.topAdvocates.map((r) => ({ ...r, name: '=HYPERLINK("x")' })),
      },
      'topAdvocates',
    );
    const [header, row] = csv.split('\r\n');
    expect(header).toContain('impressions (measured),reactions (measured)');
    expect(header).toContain('clicks (counted)');
    expect(row).toContain('"\'=HYPERLINK(""x"")"');
  });
});
