import { describe, expect, it } from 'vitest';
import { changeSummary, searchOf } from '#functions/console/app/audit-search';
import { threadsOf } from '#functions/console/app/comment-threads';
import { waited } from '#functions/console/app/elapsed';

const comment = (commentId: string, replyTo?: string) => ({
  commentId,
  postId: 'post_1',
  version: 1,
  authorId: 'sub-1',
  text: commentId,
  kind: 'comment' as const,
  at: '2026-12-01T09:00:00.000Z',
  ...(replyTo ? { replyTo } : {}),
});

describe('legal’s console: what it shows of the API’s answers', () => {
  it('groups replies under the comment they answer, a reply to a reply in the same thread', () => {
    const threads = threadsOf([
      comment('a'),
      comment('b'),
      comment('a1', 'a'),
      comment('a1x', 'a1'),
      comment('orphan', 'gone'),
    ]);
    expect(threads.map((t) => [t.root.commentId, t.replies.map((r) => r.commentId)])).toEqual([
      ['a', ['a1', 'a1x']],
      ['b', []],
      // A reply whose comment is not on the page still shows, as a thread of its own.
      ['orphan', []],
    ]);
  });

  it('survives a cycle of replies without looping', () => {
    const threads = threadsOf([comment('x', 'y'), comment('y', 'x')]);
    expect(threads.flatMap((t) => [t.root, ...t.replies])).toHaveLength(2);
  });

  it('says only the fields a change touched, before and after', () => {
    expect(
      changeSummary({ status: 'in_review', version: 2 }, { status: 'approved', version: 2 }),
    ).toEqual(['status: in_review → approved']);
    expect(changeSummary(null, { status: 'draft' })).toEqual(['status: draft']);
    expect(changeSummary(null, null)).toEqual([]);
    expect(changeSummary('a', 'b')).toEqual(['a → b']);
    expect(changeSummary({ text: 'x'.repeat(200) }, {})[0]?.length).toBeLessThan(100);
  });

  it('sends dates as the API wants them, and reads a post’s or a person’s whole record', () => {
    const days = searchOf({ postId: '', email: '', from: '2026-12-01', to: '2026-12-02' });
    expect(days).toEqual({
      from: new Date(2026, 11, 1).toISOString(),
      to: new Date(2026, 11, 2, 23, 59, 59, 999).toISOString(),
    });
    expect(searchOf({ postId: '', email: ' eve@acme.example ', from: '', to: '' })).toEqual({
      email: 'eve@acme.example',
      from: '2000-01-01T00:00:00.000Z',
    });
    // Without a post or a person, the API's own default range (the last week) applies.
    expect(searchOf({ postId: '', email: '', from: '', to: '' })).toEqual({});
  });

  it('says how long something has waited in the unit that reads best', () => {
    const now = Date.parse('2026-12-10T12:00:00Z');
    expect(waited('2026-12-10T11:59:30Z', now)).toBe('a minute or so');
    expect(waited('2026-12-10T11:15:00Z', now)).toBe('45 minutes');
    expect(waited('2026-12-10T07:00:00Z', now)).toBe('5 hours');
    expect(waited('2026-12-07T12:00:00Z', now)).toBe('3 days');
  });
});
