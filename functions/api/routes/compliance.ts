import { z } from 'zod';
import { ShareCheckAnswer } from '#functions/api/answers/personalisation';
import { currentEmployee } from '#functions/api/current-employee';
import { defineRoute } from '#functions/api/route';
import { renderOwnWords } from '#functions/api/routes/personalisations';
import { shareablePost } from '#functions/api/shareable-post';
import { hasAnyRole } from '#shared/auth/roles';
import { DRAFT_CHECKERS, DRY_RUN_TEXT_BUDGET, dryRunTextLength } from '#shared/compliance/dry-run';
import { checkCompliance } from '#shared/compliance/engine';
import { ComplianceResult } from '#shared/compliance/finding';
import { SegmentId } from '#shared/employees/segment';
import { ForbiddenError, UnprocessableError } from '#shared/errors';
import { KnownNetwork } from '#shared/networks/limits';
import { PostContent } from '#shared/posts/post';

const DraftToCheck = z.strictObject({
  variants: PostContent.shape.variants,
  link: PostContent.shape.link,
  topics: PostContent.shape.topics,
  segments: z.array(SegmentId).max(20).default([]),
  flags: PostContent.shape.flags,
});

const ShareToCheck = z.strictObject({
  postId: z.string().min(1).max(100),
  network: KnownNetwork,
  /** The employee's own words, as for a personalisation: Chorus places the locked parts. */
  text: z.string().trim().min(1).max(5000),
});

const CheckBody = z
  .strictObject({ post: DraftToCheck.optional(), share: ShareToCheck.optional() })
  .refine((body) => (body.post === undefined) !== (body.share === undefined), {
    message: 'send either `post` (a draft) or `share` (an employee’s text), not both',
  });

/**
 * The dry run: the same engine, nothing stored. Authors check a draft on every variant and
 * network; employees check the text they are about to share of a post in their library. Either
 * way the request's text is bounded, so one call cannot ask for unbounded work.
 */
export const dryRunCheck = defineRoute({
  summary: 'Check a draft or an employee’s edited text without saving anything',
  description: `Answers in milliseconds with the outcome (pass, review, blocked) and every finding: rule, severity, span, an explanation and a suggested fix. Whole drafts (\`post\`) are for marketing, legal and admin; an employee checks their own words (\`share\`) for a post they may share, and gets the whole text as the network would receive it (\`rendered\`), the findings spanned in it. At most ${DRY_RUN_TEXT_BUDGET.toLocaleString('en')} characters of text per request (422 beyond).`,
  tag: 'compliance',
  roles: ['marketing', 'legal', 'admin', 'employee'],
  body: CheckBody,
  response: {
    status: 200,
    description: 'What the check found',
    schema: z.union([z.object({ result: ComplianceResult }), ShareCheckAnswer]),
  },
  errors: [404],
  unprocessable: ['More text than one dry run checks (`unprocessable`)'],
  async handle({ body, caller, deps }) {
    if (body.post && !hasAnyRole(caller, DRAFT_CHECKERS)) {
      throw new ForbiddenError(
        'Only marketing, legal and admin check whole drafts; check your own text for a post you may share with `share`',
      );
    }
    const length = dryRunTextLength(body);
    if (length > DRY_RUN_TEXT_BUDGET) {
      throw new UnprocessableError(
        `A dry run checks at most ${DRY_RUN_TEXT_BUDGET} characters of text; this one has ${length}`,
      );
    }
    const policy = await deps.compliancePolicies.current();
    if (body.post) {
      return { status: 200, body: { result: checkCompliance(body.post, policy, deps.now()) } };
    }
    const share = body.share as z.infer<typeof ShareToCheck>;
    const employee = await currentEmployee(caller, deps);
    const { post, target } = await shareablePost(deps, employee, {
      ...share,
      networkField: 'share.network',
    });
    const { rendered } = await renderOwnWords(
      deps,
      employee,
      post,
      target,
      share.text,
      'share.text',
    );
    return {
      status: 200,
      body: { outcome: rendered.outcome, findings: rendered.findings, rendered },
    };
  },
});
