import { z } from 'zod';
import {
  PersonalisationAnswer as Answer,
  PersonaliseAnswer,
} from '#functions/api/answers/personalisation';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { shareablePost } from '#functions/api/shareable-post';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { ConflictError, ForbiddenError } from '#shared/errors';
import { KnownNetwork } from '#shared/networks/limits';
import { checkPersonalisation } from '#shared/personalisations/check';
import {
  type Personalisation,
  PersonalisationId,
  PersonalisationRequest,
  TextHash,
} from '#shared/personalisations/personalisation';
import { variantsFor } from '#shared/posts/post';
import { type EditAuthor, PersonalisationReview } from '#shared/reviews/review-item';
import { renderForNetwork, renderPersonalised, standInLink } from '#shared/shares/final-text';

export const personalise = defineRoute({
  summary: 'Share an approved post in my own words on one network (checked like any post)',
  description:
    'Send only your own words: Chorus places the disclaimers, the employment disclosure and the tracked link around them, as for any share, and answers the whole text as the network would receive it (`rendered`, findings spanned in it). A clean edit is ready to share (200); one with a `review` finding waits for legal (202); one with a `block` finding is refused (422) with every finding and the text they point into, and nothing is stored. Words that repeat a locked part are refused (400): it is placed for you.',
  tag: 'me',
  roles: ['employee'],
  params: z.strictObject({ postId: z.string().min(1).max(100), network: KnownNetwork }),
  body: PersonalisationRequest,
  response: { status: 200, description: 'The stored personalisation', schema: PersonaliseAnswer },
  errors: [404],
  unprocessable: [
    'Your words are blocked by the compliance policy (`compliance_blocked`, with `findings` and the `text` they point into)',
  ],
  async handle({ params, body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const { post, target } = await shareablePost(deps, employee, {
      ...params,
      networkField: 'path.network',
    });
    const checked = await checkPersonalisation(
      deps,
      caller.userId,
      employee,
      post,
      target,
      body.text,
    );
    return {
      status: checked.personalisation.status === 'approved' ? 200 : 202,
      body: checked,
    };
  },
});

/**
 * Who wrote the edit, and the edit and the approved original, both as this employee's share
 * would post them. One directory read per edit shown: the page bounds it.
 */
const besideOriginal = async (
  deps: ApiDependencies,
  p: Personalisation,
  policy: CompliancePolicy,
): Promise<Pick<PersonalisationReview, 'author' | 'rendered' | 'original'>> => {
  const [post, employee] = await Promise.all([
    deps.posts.get(p.postId).catch(() => undefined),
    deps.employees.get(p.employeeId).catch(() => undefined),
  ]);
  const author: EditAuthor | undefined = employee && {
    name: employee.name,
    email: employee.email,
    ...(employee.department ? { department: employee.department } : {}),
    ...(employee.location ? { location: employee.location } : {}),
  };
  const variant = post ? variantsFor(post, p.network)[0] : undefined;
  if (!post || !employee || !variant) return author ? { author } : {};
  const request = {
    post,
    variant: post.variants.indexOf(variant),
    network: p.network,
    policy,
    reader: { name: employee.name, jurisdiction: employee.jurisdiction },
    postedLink: standInLink(deps.apiUrl),
  };
  return {
    ...(author ? { author } : {}),
    rendered: renderPersonalised(request, p),
    original: renderForNetwork(request),
  };
};

export const personalisationQueue = defineRoute({
  summary: 'Employees’ edits waiting for legal, oldest first, with their findings',
  description:
    'Each edit carries `textHash`, the hash of the text shown; approving or rejecting it names that hash. Beside it, `rendered`: that text as the network would receive it, findings spanned in it; and `original`: the approved post as the same employee would share it there.',
  tag: 'workflow',
  roles: ['legal'],
  query: z.strictObject({ limit: Limit }),
  response: {
    status: 200,
    description: 'The waiting edits',
    schema: z.object({ personalisations: z.array(PersonalisationReview) }),
  },
  async handle({ query, deps }) {
    const [waiting, policy] = await Promise.all([
      deps.personalisations.pendingReview(query.limit),
      deps.compliancePolicies.current(),
    ]);
    const personalisations = await Promise.all(
      waiting.map(async (p) => ({ ...p, ...(await besideOriginal(deps, p, policy)) })),
    );
    return { status: 200, body: { personalisations } };
  },
});

const decide = (decision: 'approved' | 'rejected') =>
  defineRoute({
    summary:
      decision === 'approved'
        ? 'Let an employee share their edit as written'
        : 'Refuse an employee’s edit, with a reason they will see',
    tag: 'workflow',
    roles: ['legal'],
    description:
      'Name the `textHash` the queue showed: if the employee replaced the text since, the answer is 409 and the new text waits in the queue.',
    params: z.strictObject({ personalisationId: PersonalisationId }),
    body: z.strictObject({
      textHash: TextHash,
      reason:
        decision === 'rejected'
          ? z.string().trim().min(1).max(2000)
          : z.string().trim().max(2000).optional(),
    }),
    response: { status: 200, description: 'The decided personalisation', schema: Answer },
    errors: [404],
    conflicts: [
      'The employee changed this text after you opened it (another `textHash`): the new text waits in the queue',
      'The edit was decided by someone else meanwhile: the queue shows what waits now',
    ],
    async handle({ params, body, caller, deps }) {
      const { employeeId, postId, network } = params.personalisationId;
      const current = await deps.personalisations.require(employeeId, postId, network);
      if (current.authorId === caller.userId) {
        throw new ForbiddenError('Nobody may review their own edit');
      }
      if (current.textHash !== body.textHash) {
        throw new ConflictError(
          'The employee changed this text after you opened it; the new text waits in the queue',
        );
      }
      const decided: Personalisation = {
        ...current,
        status: decision,
        decidedBy: caller.userId,
        ...(body.reason ? { reason: body.reason } : {}),
      };
      await deps.personalisations.save(
        decided,
        {
          at: deps.now().toISOString(),
          actor: caller.userId,
          action: `personalisation.${decision}`,
          subject: { postId },
          before: { status: current.status },
          after: {
            status: decision,
            employeeId,
            network,
            textHash: current.textHash,
            reason: body.reason ?? null,
          },
        },
        { status: 'pending_review', text: current.text, checkedAt: current.checkedAt },
      );
      return { status: 200, body: { personalisation: decided } };
    },
  });

export const approvePersonalisation = decide('approved');
export const rejectPersonalisation = decide('rejected');
