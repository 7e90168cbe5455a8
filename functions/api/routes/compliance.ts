import { z } from 'zod';
import { DraftCheckAnswer } from '#functions/api/answers/draft-check';
import { ShareCheckAnswer } from '#functions/api/answers/personalisation';
import { currentEmployee } from '#functions/api/current-employee';
import { deployedNetworks } from '#functions/api/deployed-networks';
import { defineRoute } from '#functions/api/route';
import { shareablePost } from '#functions/api/shareable-post';
import { hasAnyRole } from '#shared/auth/roles';
import { DRAFT_CHECKERS, DRY_RUN_TEXT_BUDGET, dryRunTextLength } from '#shared/compliance/dry-run';
import { checkCompliance } from '#shared/compliance/engine';
import { ComplianceOutcome } from '#shared/compliance/finding';
import { CompliancePolicyDraft, draftPolicy } from '#shared/compliance/policy-draft';
import { SegmentId } from '#shared/employees/segment';
import { ForbiddenError, UnprocessableError } from '#shared/errors';
import { KnownNetwork } from '#shared/networks/limits';
import { renderOwnWords } from '#shared/personalisations/own-words';
import { PostContent } from '#shared/posts/post';
import {
  RenderedText,
  renderForNetwork,
  standInLink,
  variantsOnNetworks,
} from '#shared/shares/final-text';
import { sampleTemplateValues } from '#shared/shares/render';

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
    schema: z.union([DraftCheckAnswer, ShareCheckAnswer]),
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
      const draft = body.post;
      const result = checkCompliance(draft, policy, deps.now());
      // What each network would receive, as a reviewer will read it: on the networks this
      // deployment posts to and on every network a variant is written for.
      const named = new Set(draft.variants.flatMap((v) => v.networks ?? []));
      const deployed = new Set(await deployedNetworks(deps));
      const networks = KnownNetwork.options.filter((n) => named.has(n) || deployed.has(n));
      const post = { ...draft, compliance: { disclaimers: result.disclaimers } };
      const rendered = variantsOnNetworks(draft, networks).map((at) =>
        renderForNetwork({ post, ...at, policy, postedLink: standInLink(deps.apiUrl) }),
      );
      return { status: 200, body: { result, rendered } };
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

const PolicyDryRunBody = CompliancePolicyDraft.extend({
  /** The copy to check, as an author would write one variant. */
  text: z.string().trim().min(1).max(5000),
  network: KnownNetwork.default('linkedin'),
  link: PostContent.shape.link,
  topics: PostContent.shape.topics,
  segments: z.array(SegmentId).max(20).default([]),
  flags: PostContent.shape.flags,
  /** A reader's jurisdiction, for the disclaimers bound to one; none: a reader without one. */
  jurisdiction: z
    .string()
    .regex(/^[A-Z]{2}$/, 'a two-letter country code such as GB')
    .optional(),
});

/**
 * Legal's dry run of a policy being edited: the text rendered on the network as the share
 * worker would post it under the draft (its disclaimers placed, the disclosure added) and checked
 * by the same engine, so the findings' spans are in the text shown. Nothing is saved.
 */
export const policyDryRun = defineRoute({
  summary: 'Check a text against a draft (unsaved) compliance policy',
  description: `Send the draft as \`PUT /policies/compliance\` takes it (\`policy\`, with the \`version\` it was edited from) and a \`text\`; the answer is the text as \`network\` would receive it under the draft (\`rendered\`: disclaimers, disclosure and a stand-in tracked link placed) with every finding spanned in it. At most ${DRY_RUN_TEXT_BUDGET.toLocaleString('en')} characters of text.`,
  tag: 'compliance',
  roles: ['legal', 'admin'],
  body: PolicyDryRunBody,
  response: {
    status: 200,
    description: 'What the draft would find',
    schema: z.object({ outcome: ComplianceOutcome, rendered: RenderedText }),
  },
  async handle({ body, caller, deps }) {
    const policy = draftPolicy(body, caller, deps.now());
    const post = {
      variants: [{ text: body.text }],
      link: body.link,
      topics: body.topics,
      segments: body.segments,
      flags: body.flags,
    };
    // The disclaimers the draft requires of such a post, as an approval would record them.
    const { disclaimers } = checkCompliance(post, policy, deps.now(), [body.network]);
    const rendered = renderForNetwork({
      post: { ...post, compliance: { disclaimers } },
      variant: 0,
      network: body.network,
      policy,
      ...(body.jurisdiction
        ? {
            reader: {
              name: sampleTemplateValues(policy.company)['employee.name'],
              jurisdiction: body.jurisdiction,
            },
          }
        : {}),
      postedLink: standInLink(deps.apiUrl),
    });
    return { status: 200, body: { outcome: rendered.outcome, rendered } };
  },
});
