import { describe, expect, it } from 'vitest';
import {
  type ApprovalPolicy,
  ApprovalPolicyInput,
  defaultApprovalPolicy,
  planReview,
} from '#shared/approvals/policy';
import { ConflictError, ForbiddenError } from '#shared/errors';
import { contentHashOf } from '#shared/posts/content-hash';
import type { Post } from '#shared/posts/post';
import { noEligibleReviewer } from '#shared/posts/reviewers';
import { deadlineAction, isLiveAt, transition } from '#shared/posts/workflow';
import { caller, cleanCheck, content, draftPost, T0 } from '../fixtures/posts';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/** Submits and checks a draft, opening its review under a policy. */
const reviewed = (
  post: Post,
  policy: ApprovalPolicy = defaultApprovalPolicy,
  check = cleanCheck(),
) => {
  const submitted = transition(post, { type: 'submit', by: caller(post.authorId) }, at(1));
  const checked = transition(submitted, { type: 'complianceChecked', compliance: check }, at(2));
  return transition(
    checked,
    { type: 'startReview', plan: planReview(checked, check, policy) },
    at(2),
  );
};

const policy = (input: Record<string, unknown>): ApprovalPolicy => ({
  ...ApprovalPolicyInput.parse(input),
  version: 2,
  updatedBy: 'admin',
  updatedAt: T0.toISOString(),
});

describe('post workflow', () => {
  it('takes a draft through submission, check, review and approval', () => {
    const inReview = reviewed(draftPost());
    expect(inReview.status).toBe('in_review');
    expect(inReview.review?.stages.map((s) => s.id)).toEqual(['marketing']);
    const approved = transition(
      inReview,
      { type: 'approve', by: caller('reviewer', 'marketing'), version: 1 },
      at(3),
    );
    expect(approved.status).toBe('approved');
    expect(approved.approvals).toMatchObject([
      { approverId: 'reviewer', stageId: 'marketing', version: 1, policyVersion: 1 },
    ]);
    expect(approved.approvals[0]?.contentHash).toBe(contentHashOf(approved));
    expect(approved.approvalExpiresAt).toBe(
      new Date(at(3).getTime() + 90 * 86_400_000).toISOString(),
    );
    expect(approved.revision).toBe(inReview.revision + 1);
  });

  it('sends a blocked post back to its author with the blocking findings', () => {
    const blocked = cleanCheck({
      outcome: 'blocked',
      findings: [{ ruleId: 'lexicon.x', severity: 'block', message: "'x' is not allowed" }],
    });
    const back = reviewed(draftPost(), defaultApprovalPolicy, blocked);
    expect(back.status).toBe('changes_requested');
    expect(back.decision).toMatchObject({
      kind: 'changes_requested',
      reason: "'x' is not allowed",
    });
  });

  it('approves a clean unregulated post by itself only when the policy says so', () => {
    const { version: _v, updatedBy: _b, updatedAt: _a, ...fields } = defaultApprovalPolicy;
    const auto = policy({ ...fields, autoApproveClean: true });
    expect(reviewed(draftPost(), auto).status).toBe('approved');
    const withWarning = cleanCheck({
      findings: [{ ruleId: 'lexicon.best', severity: 'warn', message: 'superlative' }],
    });
    expect(reviewed(draftPost(), auto, withWarning).status).toBe('in_review');
    expect(
      reviewed(draftPost({ topics: ['funds'] }), auto, cleanCheck({ regulated: true })).status,
    ).toBe('in_review');
  });

  it.each(['draft', 'submitted', 'approved', 'rejected', 'withdrawn'] as const)(
    'refuses to approve a %s post with 409',
    (status) => {
      const post = { ...reviewed(draftPost()), status };
      expect(() =>
        transition(post, { type: 'approve', by: caller('r', 'marketing'), version: 1 }, at(3)),
      ).toThrow(ConflictError);
    },
  );

  it('lets nobody approve their own post, nor one they edited, whatever their roles', () => {
    const own = reviewed(draftPost());
    const everything = caller('author', 'marketing', 'legal', 'admin');
    expect(() => transition(own, { type: 'approve', by: everything, version: 1 }, at(3))).toThrow(
      /own post/,
    );
    const edited = transition(
      draftPost(),
      { type: 'edit', by: caller('editor', 'marketing'), content: content({ title: 'New' }) },
      at(1),
    );
    const inReview = reviewed(edited);
    expect(() =>
      transition(
        inReview,
        { type: 'approve', by: caller('editor', 'marketing'), version: 2 },
        at(3),
      ),
    ).toThrow(ForbiddenError);
  });

  it('refuses an approval from anyone who edited an earlier version, even after the author edited last', () => {
    // M1 writes, M2 rewrites the copy, M1 changes only the title: M2's words are still in it.
    const m1 = caller('m1', 'marketing');
    const m2 = caller('m2', 'marketing');
    const v1 = draftPost({}, 'm1');
    const v2 = transition(
      v1,
      { type: 'edit', by: m2, content: content({ variants: [{ text: 'Words by M2.' }] }) },
      at(1),
    );
    const v3 = transition(
      v2,
      {
        type: 'edit',
        by: m1,
        content: content({ title: 'Retitled', variants: [{ text: 'Words by M2.' }] }),
      },
      at(2),
    );
    expect(v3.editedBy).toBe('m1');
    const inReview = reviewed(v3);
    expect(() => transition(inReview, { type: 'approve', by: m2, version: 3 }, at(3))).toThrow(
      ForbiddenError,
    );
    expect(
      transition(inReview, { type: 'approve', by: caller('m3', 'marketing'), version: 3 }, at(3))
        .status,
    ).toBe('approved');
  });

  it('says when every named reviewer of the open stage wrote the post, and lets only an admin name others', () => {
    const counsel = policy({
      stages: [
        {
          id: 'counsel',
          name: 'Counsel',
          role: 'legal',
          mode: 'all',
          reviewers: ['lou@acme.example', 'lea@acme.example'],
        },
      ],
    });
    const edited = transition(
      draftPost(),
      { type: 'edit', by: caller('lou', 'legal', 'marketing'), content: content({ title: 'Lou' }) },
      at(1),
    );
    const inReview = reviewed(edited, counsel);
    expect(noEligibleReviewer(inReview)).toBe(
      'no eligible reviewer: lou@acme.example, who must approve the Counsel stage, wrote or edited this post; an admin can name others',
    );
    const withLea = transition(
      inReview,
      { type: 'approve', by: caller('lea', 'legal'), version: 2 },
      at(3),
    );
    const name = (by = caller('ada', 'admin'), reviewers = ['lea@acme.example']) =>
      transition(
        withLea,
        { type: 'nameReviewers', by, version: 2, stageId: 'counsel', reviewers },
        at(4),
      );
    expect(() => name(caller('mo', 'marketing', 'legal'))).toThrow(ForbiddenError);
    expect(() => name(undefined, ['lou@acme.example'])).toThrow(/wrote or edited/);
    // Lea already approved: naming her in Lou's place would drop an approval the stage needs.
    expect(() => name()).toThrow(/in place of lou@acme.example/);
    const named = name(undefined, ['len@acme.example']);
    expect(named.review?.stages[0]?.reviewers).toEqual(['lea@acme.example', 'len@acme.example']);
    expect(named.status).toBe('in_review');
    expect(noEligibleReviewer(named)).toBeUndefined();
    // Once nobody is stuck, the stage is no longer the admin's to rewrite.
    expect(() =>
      transition(
        named,
        {
          type: 'nameReviewers',
          by: caller('ada', 'admin'),
          version: 2,
          stageId: 'counsel',
          reviewers: ['lia@acme.example'],
        },
        at(5),
      ),
    ).toThrow(ConflictError);
    const approved = transition(
      named,
      { type: 'approve', by: caller('len', 'legal'), version: 2 },
      at(6),
    );
    expect(approved.status).toBe('approved');
  });

  it('needs legal for regulated posts and marketing for the rest', () => {
    const regulated = reviewed(draftPost(), defaultApprovalPolicy, cleanCheck({ regulated: true }));
    expect(regulated.review?.stages.map((s) => s.role)).toEqual(['legal']);
    expect(() =>
      transition(regulated, { type: 'approve', by: caller('m', 'marketing'), version: 1 }, at(3)),
    ).toThrow(/legal reviewer/);
    const plain = reviewed(draftPost());
    expect(() =>
      transition(plain, { type: 'approve', by: caller('l', 'legal'), version: 1 }, at(3)),
    ).toThrow(/marketing reviewer/);
  });

  it('refuses an approval of a version other than the current one with 409', () => {
    const inReview = reviewed(draftPost());
    expect(() =>
      transition(inReview, { type: 'approve', by: caller('r', 'marketing'), version: 2 }, at(3)),
    ).toThrow(/changed since you opened it/);
  });

  it('walks multi-stage reviews in order and needs every named reviewer in an "all" stage', () => {
    const twoStage = policy({
      stages: [
        { id: 'brand', name: 'Brand', role: 'marketing' },
        {
          id: 'counsel',
          name: 'Counsel',
          role: 'legal',
          mode: 'all',
          reviewers: ['l1@acme.example', 'l2@acme.example'],
        },
      ],
    });
    let post = reviewed(draftPost(), twoStage);
    expect(post.review?.stages.map((s) => s.id)).toEqual(['brand', 'counsel']);
    post = transition(post, { type: 'approve', by: caller('m1', 'marketing'), version: 1 }, at(3));
    expect(post.status).toBe('in_review');
    expect(() =>
      transition(post, { type: 'approve', by: caller('l3', 'legal'), version: 1 }, at(4)),
    ).toThrow(/named reviewers/);
    post = transition(post, { type: 'approve', by: caller('l1', 'legal'), version: 1 }, at(4));
    expect(post.status).toBe('in_review');
    expect(() =>
      transition(post, { type: 'approve', by: caller('l1', 'legal'), version: 1 }, at(5)),
    ).toThrow(/already approved/);
    post = transition(post, { type: 'approve', by: caller('l2', 'legal'), version: 1 }, at(5));
    expect(post.status).toBe('approved');
    expect(post.approvals.map((a) => a.stageId)).toEqual(['brand', 'counsel', 'counsel']);
  });

  it('voids every approval when the content is edited', () => {
    const approved = transition(
      reviewed(draftPost()),
      { type: 'approve', by: caller('r', 'marketing'), version: 1 },
      at(3),
    );
    const edited = transition(
      approved,
      { type: 'edit', by: caller('author', 'marketing'), content: content({ title: 'Changed' }) },
      at(4),
    );
    expect(edited).toMatchObject({ status: 'draft', version: 2, approvals: [] });
    expect(edited.review).toBeUndefined();
    expect(edited.compliance).toBeUndefined();
    expect(edited.lastApprovedVersion).toBe(1);
  });

  it('requests changes and rejects only from review, keeping the reason', () => {
    const inReview = reviewed(draftPost());
    const back = transition(
      inReview,
      { type: 'requestChanges', by: caller('r', 'marketing'), version: 1, comment: 'Shorter' },
      at(3),
    );
    expect(back).toMatchObject({ status: 'changes_requested', decision: { reason: 'Shorter' } });
    const rejected = transition(
      inReview,
      { type: 'reject', by: caller('r', 'marketing'), version: 1, reason: 'Off brand' },
      at(3),
    );
    expect(rejected.status).toBe('rejected');
    expect(() =>
      transition(rejected, { type: 'edit', by: caller('author'), content: content() }, at(4)),
    ).toThrow(ConflictError);
  });

  it('expires live content and sends lapsed approvals back through the check', () => {
    const approved = transition(
      reviewed(draftPost({ expiresAt: at(60).toISOString() })),
      { type: 'approve', by: caller('r', 'marketing'), version: 1 },
      at(3),
    );
    expect(isLiveAt(approved, at(59))).toBe(true);
    expect(isLiveAt(approved, at(60))).toBe(false);
    expect(deadlineAction(approved, at(61))).toBe('expire');
    expect(transition(approved, { type: 'expire' }, at(61)).status).toBe('expired');

    const lasting = transition(
      reviewed(draftPost()),
      { type: 'approve', by: caller('r', 'marketing'), version: 1 },
      at(3),
    );
    const later = new Date(T0.getTime() + 91 * 86_400_000);
    expect(deadlineAction(lasting, later)).toBe('lapse');
    expect(transition(lasting, { type: 'lapse' }, later)).toMatchObject({
      status: 'submitted',
      approvals: [],
    });
  });

  it('deletes only what was never scheduled; the rest is withdrawn', () => {
    expect(transition(draftPost(), { type: 'delete', by: caller('a') }, at(1)).status).toBe(
      'deleted',
    );
    const scheduled = transition(
      transition(
        reviewed(draftPost()),
        { type: 'approve', by: caller('r', 'marketing'), version: 1 },
        at(3),
      ),
      { type: 'schedule' },
      at(4),
    );
    const withdrawn = transition(
      scheduled,
      { type: 'withdraw', by: caller('a'), reason: 'Old' },
      at(5),
    );
    expect(withdrawn.status).toBe('withdrawn');
    expect(() => transition(withdrawn, { type: 'delete', by: caller('a') }, at(6))).toThrow(
      /withdraw it instead/,
    );
  });
});

describe('approval policy', () => {
  it('refuses a policy that would let regulated posts through without legal', () => {
    const result = ApprovalPolicyInput.safeParse({
      stages: [{ id: 'brand', name: 'Brand', role: 'marketing' }],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join()).toMatch(/legal approval/);
  });

  it('refuses an "all" stage without named reviewers and duplicate stage ids', () => {
    const all = ApprovalPolicyInput.safeParse({
      stages: [{ id: 'legal', name: 'L', role: 'legal', mode: 'all' }],
    });
    expect(all.error?.issues[0]?.path).toEqual(['stages', 0, 'reviewers']);
    const twice = ApprovalPolicyInput.safeParse({
      stages: [
        { id: 'legal', name: 'L', role: 'legal' },
        { id: 'legal', name: 'L2', role: 'legal' },
      ],
    });
    expect(twice.error?.issues[0]?.message).toMatch(/used twice/);
  });

  it('says why a post is regulated: topic, flag, segment, finding or the check', () => {
    const strict = policy({
      stages: defaultApprovalPolicy.stages,
      regulated: { topics: ['funds'], flags: ['containsTestimonial'], segments: ['advisers'] },
    });
    const plan = planReview(
      content({ topics: ['funds'], flags: ['containsTestimonial'], segments: ['advisers'] }),
      cleanCheck(),
      strict,
    );
    expect(plan.regulated).toBe(true);
    expect(plan.reasons).toEqual(['topic funds', 'flag containsTestimonial', 'segment advisers']);
    expect(plan.stages.map((s) => s.role)).toEqual(['legal']);
  });
});
