import { describe, expect, it } from 'vitest';
import { summarisePostShares } from '#shared/analytics/post-analytics';
import { parseGroupsClaim } from '#shared/auth/roles';
import { nextPollAt } from '#shared/engagement/cadence';
import { employeeIdFor, shareIdFor } from '#shared/ids';
import { sandboxAudienceOf, sandboxEngagement } from '#shared/networks/sandbox';
import { contentHashOf } from '#shared/posts/content-hash';
import { diffContent } from '#shared/posts/diff';
import { PostContent } from '#shared/posts/post';
import { personValues, templateProblems } from '#shared/posts/template';
import type { Share } from '#shared/shares/share';
import { content } from '../fixtures/posts';

const HOUR = 3_600_000;

describe('identity', () => {
  it('derives a share id from campaign, employee and network only', () => {
    expect(shareIdFor('c', 'e', 'sandbox')).toBe(shareIdFor('c', 'e', 'sandbox'));
    expect(shareIdFor('c', 'e', 'sandbox')).not.toBe(shareIdFor('c', 'e2', 'sandbox'));
    expect(shareIdFor('c', 'ea', 'x')).not.toBe(shareIdFor('c', 'e', 'ax'));
  });

  it('derives an employee id from the normalised email', () => {
    expect(employeeIdFor(' Ada@Example.com ')).toBe(employeeIdFor('ada@example.com'));
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

describe('post analytics', () => {
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

  it('sums reach over published shares and reports unread engagement as unavailable, not zero', () => {
    const result = summarisePostShares('p', [
      share({}),
      share({ audienceSize: 50 }),
      share({ status: 'failed' }),
    ]);
    expect(result.potentialReach.value).toBe(150);
    expect(result.shares.published.value).toBe(2);
    expect(result.shares.failed.value).toBe(1);
    expect(result.engagement.impressions.value).toBeNull();
    expect(result.engagement.impressions.note).toBe(
      'not yet read from the networks; sandbox network: modelled engagement, not a real audience',
    );
  });

  it('sums what was measured', () => {
    const engagement = { impressions: 10, reactions: 2, comments: 1, reshares: 0 };
    const result = summarisePostShares('p', [share({ engagement }), share({ engagement })]);
    expect(result.engagement.impressions).toMatchObject({ value: 20, source: 'measured' });
    expect(result.engagement.reshares.value).toBe(0);
  });
});
