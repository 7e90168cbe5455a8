import { describe, expect, it } from 'vitest';
import type { Caller } from '#shared/auth/roles';
import { ConflictError, ForbiddenError } from '#shared/errors';
import { newPost, type Post } from '#shared/posts/post';
import { authorizeReviewer, nextStatus } from '#shared/posts/workflow';

const draft = (): Post =>
  newPost(
    { title: 'T', copy: 'Hello', topics: [], segment: 'sales' },
    { postId: 'post_1', authorId: 'author' },
    new Date('2026-01-01T00:00:00Z'),
  );
const caller = (userId: string, ...roles: Caller['roles']): Caller => ({
  userId,
  email: undefined,
  name: undefined,
  roles,
});
const inReview = (regulated: boolean): Post => ({
  ...draft(),
  status: 'in_review',
  compliance: {
    outcome: 'pass',
    regulated,
    findings: [],
    disclaimers: [],
    policyVersion: 1,
    checkedAt: '2026-01-01T00:00:00.000Z',
  },
});

describe('post workflow', () => {
  it('moves a draft through submission, a clean check and approval', () => {
    expect(nextStatus(draft(), { type: 'submit' })).toBe('submitted');
    expect(
      nextStatus(
        { ...draft(), status: 'submitted' },
        { type: 'complianceChecked', outcome: 'review' },
      ),
    ).toBe('in_review');
    expect(nextStatus(inReview(false), { type: 'approve' })).toBe('approved');
  });

  it('sends a blocked post back to its author', () => {
    expect(
      nextStatus(
        { ...draft(), status: 'submitted' },
        { type: 'complianceChecked', outcome: 'blocked' },
      ),
    ).toBe('changes_requested');
  });

  it.each(['draft', 'submitted', 'approved', 'rejected'] as const)(
    'refuses to approve a %s post',
    (status) => {
      expect(() => nextStatus({ ...draft(), status }, { type: 'approve' })).toThrow(ConflictError);
    },
  );

  it('lets nobody approve their own post, whatever their roles', () => {
    expect(() =>
      authorizeReviewer(inReview(false), caller('author', 'marketing', 'legal', 'admin')),
    ).toThrow(/own post/);
  });

  it('needs legal for regulated posts and marketing for the rest', () => {
    expect(() => authorizeReviewer(inReview(true), caller('reviewer', 'marketing'))).toThrow(
      ForbiddenError,
    );
    expect(authorizeReviewer(inReview(true), caller('reviewer', 'legal'))).toBe('legal');
    expect(() => authorizeReviewer(inReview(false), caller('reviewer', 'legal'))).toThrow(
      /marketing/,
    );
    expect(authorizeReviewer(inReview(false), caller('reviewer', 'marketing'))).toBe('marketing');
  });
});
