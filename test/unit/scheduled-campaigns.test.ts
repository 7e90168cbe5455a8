import { describe, expect, it } from 'vitest';
import type { Campaign } from '#shared/campaigns/campaign';
import { ConflictError } from '#shared/errors';
import type { Post } from '#shared/posts/post';
import { checkNoScheduledCampaign } from '#shared/posts/scheduled-campaigns';
import { draftPost } from '../fixtures/posts';

const SCHEDULED_ON = '2026-03-01T09:00:00.000Z';
const post: Post = { ...draftPost(), status: 'scheduled', updatedAt: SCHEDULED_ON };

const campaign = (overrides: Partial<Campaign>): Campaign => ({
  campaignId: 'cmp_1',
  postId: post.postId,
  postVersion: 1,
  contentHash: 'hash',
  segments: ['sales'],
  networks: ['sandbox'],
  scheduledAt: '2026-03-02T09:00:00.000Z',
  staggerMinutes: 0,
  mode: 'both',
  status: 'scheduled',
  createdBy: 'author',
  createdAt: SCHEDULED_ON,
  estimates: [],
  ...overrides,
});

const refusal = (p: Post, campaigns: Campaign[]) => {
  try {
    checkNoScheduledCampaign(p, campaigns);
  } catch (error) {
    expect(error).toBeInstanceOf(ConflictError);
    return (error as Error).message;
  }
  return undefined;
};

describe('an edit while a campaign is scheduled', () => {
  it('is refused naming each scheduled campaign and its time, soonest first, and what to do', () => {
    const message = refusal(post, [
      campaign({ campaignId: 'cmp_late', scheduledAt: '2026-03-09T09:00:00.000Z' }),
      campaign({ campaignId: 'cmp_gone', status: 'cancelled' }),
      campaign({ campaignId: 'cmp_soon', scheduledAt: '2026-03-03T09:00:00.000Z' }),
    ]);
    expect(message).toContain(
      'cmp_soon (at 2026-03-03T09:00:00.000Z), cmp_late (at 2026-03-09T09:00:00.000Z)',
    );
    expect(message).not.toContain('cmp_gone');
    expect(message).toMatch(/cancel the campaign .* or let it go out first/);
  });

  it('is allowed once no campaign is scheduled (cancelled or dispatched)', () => {
    expect(
      refusal(post, [
        campaign({ status: 'cancelled' }),
        campaign({ campaignId: 'cmp_2', status: 'dispatched' }),
      ]),
    ).toBeUndefined();
    expect(refusal({ ...post, status: 'approved' }, [])).toBeUndefined();
  });

  it('is refused, to be retried, while the index does not list the campaign that just scheduled the post', () => {
    const later = { ...post, updatedAt: '2026-03-05T09:00:00.000Z' };
    expect(refusal(later, [campaign({ status: 'cancelled' })])).toMatch(/moments ago.*retry/);
    expect(refusal(later, [])).toMatch(/retry/);
  });
});
