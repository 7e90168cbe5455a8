import { describe, expect, it } from 'vitest';
import type { Campaign } from '#shared/campaigns/campaign';
import type { PostSummary } from '#shared/posts/listing';
import { filteredWithinPage, standingOf } from '../../functions/console/app/post-standing';

/** The posts list's line of where a post stands and on whom it waits, from the list's summary. */
const post = (fields: Partial<PostSummary>): PostSummary => ({
  postId: 'p1',
  title: 'Launch',
  status: 'draft',
  version: 1,
  authorId: 'sub-mia',
  authorEmail: 'mia@acme.example',
  segments: ['sales'],
  topics: [],
  createdAt: '2026-04-01T09:00:00.000Z',
  updatedAt: '2026-04-01T09:00:00.000Z',
  ...fields,
});
const context = { me: 'sub-max', when: (iso: string) => iso.slice(0, 16) };

describe('where a post stands in the marketing list', () => {
  it('names the stage of how many a post in review waits at, and on whom', () => {
    const waiting = {
      on: 'review' as const,
      stage: 'Legal review',
      role: 'legal' as const,
      reviewers: [],
      stageNumber: 2,
      stageCount: 2,
    };
    expect(standingOf(post({ status: 'in_review', waitingOn: waiting }), context)).toBe(
      'In review — waiting on legal (stage 2 of 2: Legal review)',
    );
    expect(
      standingOf(
        post({ status: 'in_review', waitingOn: { ...waiting, reviewers: ['lou@acme.example'] } }),
        context,
      ),
    ).toBe('In review — waiting on lou@acme.example (stage 2 of 2: Legal review)');
  });

  it('says who asked for changes and why, and that the author is next', () => {
    const line = standingOf(
      post({
        status: 'changes_requested',
        waitingOn: { on: 'author', authorId: 'sub-mia' },
        decision: {
          kind: 'changes_requested',
          by: 'sub-lou',
          at: '2026-04-01T10:00:00.000Z',
          reason: 'Add the risk line',
          stage: 'Legal review',
          role: 'legal',
        },
      }),
      context,
    );
    expect(line).toBe(
      'Changes requested by legal (Legal review): “Add the risk line” — waiting on mia@acme.example to edit and resubmit',
    );
    expect(standingOf(post({ status: 'draft' }), { ...context, me: 'sub-mia' })).toBe(
      'Draft — waiting on you to submit it',
    );
  });

  it('tells an approved post with no campaign from a scheduled one and when it goes out', () => {
    expect(standingOf(post({ status: 'approved' }), context)).toBe('Approved — not scheduled');
    const campaign = {
      status: 'scheduled',
      scheduledAt: '2026-04-03T09:00:00.000Z',
    } as Campaign;
    expect(standingOf(post({ status: 'scheduled' }), { ...context, campaigns: [campaign] })).toBe(
      'Scheduled for 2026-04-03T09:00',
    );
  });

  it('names the filters the API applies within a page rather than by its index', () => {
    expect(filteredWithinPage({ status: 'draft' })).toEqual([]);
    expect(filteredWithinPage({ status: 'draft', author: 'sub-mia' })).toEqual(['status']);
    expect(filteredWithinPage({ title: 'La', segment: 'sales', status: 'draft' })).toEqual([
      'segment',
      'status',
    ]);
  });
});
