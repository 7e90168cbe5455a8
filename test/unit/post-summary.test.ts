import { describe, expect, it } from 'vitest';
import { type ApprovalPolicy, ApprovalPolicyInput, planReview } from '#shared/approvals/policy';
import { summaryOf } from '#shared/posts/listing';
import type { Post } from '#shared/posts/post';
import { transition } from '#shared/posts/workflow';
import { caller, cleanCheck, draftPost, T0 } from '../fixtures/posts';

/**
 * What the marketing list says of a post: whom it waits on, at which stage of how many, and who
 * asked for changes, all from the summary the list stores (no second read per post).
 */
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

const twoStages: ApprovalPolicy = {
  ...ApprovalPolicyInput.parse({
    stages: [
      { id: 'marketing', name: 'Marketing review', role: 'marketing' },
      { id: 'legal', name: 'Legal review', role: 'legal' },
    ],
  }),
  version: 2,
  updatedBy: 'admin',
  updatedAt: T0.toISOString(),
};

const inReview = (): Post => {
  const post = draftPost();
  const submitted = transition(post, { type: 'submit', by: caller(post.authorId) }, at(1));
  const check = cleanCheck();
  const checked = transition(submitted, { type: 'complianceChecked', compliance: check }, at(2));
  return transition(
    checked,
    { type: 'startReview', plan: planReview(checked, check, twoStages) },
    at(2),
  );
};

describe('a post’s summary in the marketing list', () => {
  it('says which stage of how many a post in review waits at', () => {
    const first = inReview();
    expect(summaryOf(first).waitingOn).toEqual({
      on: 'review',
      stage: 'Marketing review',
      role: 'marketing',
      reviewers: [],
      stageNumber: 1,
      stageCount: 2,
    });
    const second = transition(
      first,
      { type: 'approve', by: caller('max', 'marketing'), version: 1 },
      at(3),
    );
    expect(summaryOf(second).waitingOn).toMatchObject({
      on: 'review',
      role: 'legal',
      stageNumber: 2,
      stageCount: 2,
    });
  });

  it('names who asked for changes, at which stage, and why; the post then waits on its author', () => {
    const second = transition(
      inReview(),
      { type: 'approve', by: caller('max', 'marketing'), version: 1 },
      at(3),
    );
    const back = transition(
      second,
      {
        type: 'requestChanges',
        by: caller('lou', 'legal'),
        version: 1,
        comment: 'Add the risk line',
      },
      at(4),
    );
    const summary = summaryOf(back);
    expect(summary.decision).toEqual({
      kind: 'changes_requested',
      by: 'lou',
      at: at(4).toISOString(),
      reason: 'Add the risk line',
      stage: 'Legal review',
      role: 'legal',
    });
    expect(summary.waitingOn).toEqual({ on: 'author', authorId: 'author' });
  });

  it('says a decision the compliance check made is the check’s, at no review stage', () => {
    const post = draftPost();
    const submitted = transition(post, { type: 'submit', by: caller(post.authorId) }, at(1));
    const check = cleanCheck({
      outcome: 'blocked',
      findings: [{ ruleId: 'lexicon.x', severity: 'block', message: "'x' is not allowed" }],
    });
    const checked = transition(submitted, { type: 'complianceChecked', compliance: check }, at(2));
    const back = transition(
      checked,
      { type: 'startReview', plan: planReview(checked, check, twoStages) },
      at(2),
    );
    expect(summaryOf(back).decision).toEqual({
      kind: 'changes_requested',
      by: 'compliance-check',
      at: at(2).toISOString(),
      reason: "'x' is not allowed",
    });
  });

  it('carries no decision once the author edits the post again', () => {
    const back = transition(
      inReview(),
      { type: 'requestChanges', by: caller('max', 'marketing'), version: 1, comment: 'Shorter' },
      at(3),
    );
    const { title, variants, topics, segments, media, language, flags } = back;
    const edited = transition(
      back,
      {
        type: 'edit',
        by: caller(back.authorId),
        content: { title, variants, topics, segments, media, language, flags },
      },
      at(4),
    );
    expect(summaryOf(edited).decision).toBeUndefined();
  });
});
