import { z } from 'zod';
import { currentEmployee } from '#functions/api/current-employee';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { shareablePost } from '#functions/api/shareable-post';
import type { Caller } from '#shared/auth/roles';
import type { CheckTarget } from '#shared/compliance/engine';
import { checkText } from '#shared/compliance/engine';
import { outcomeOf } from '#shared/compliance/finding';
import type { Employee } from '#shared/employees/employee';
import { ComplianceBlockedError, ConflictError, ForbiddenError } from '#shared/errors';
import { sha256 } from '#shared/hash';
import { KnownNetwork } from '#shared/networks/limits';
import {
  type Personalisation,
  PersonalisationId,
  PersonalisationRequest,
  Personalisation as PersonalisationSchema,
  personalisationIdOf,
  statusFor,
  TextHash,
} from '#shared/personalisations/personalisation';
import { contentHashOf } from '#shared/posts/content-hash';
import type { Post } from '#shared/posts/post';

const Answer = z.object({ personalisation: PersonalisationSchema });

export const personalise = defineRoute({
  summary: 'Share an approved post in my own words on one network (checked like any post)',
  description:
    'The text is the whole post as it would appear, disclaimers and disclosure included. A clean edit is ready to share (200); one with a `review` finding waits for legal (202); one with a `block` finding is refused (422) with every finding, and nothing is stored.',
  tag: 'me',
  roles: ['employee'],
  params: z.strictObject({ postId: z.string().min(1).max(100), network: KnownNetwork }),
  body: PersonalisationRequest,
  response: { status: 200, description: 'The stored personalisation', schema: Answer },
  errors: [404, 409, 422],
  async handle({ params, body, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const { post, target } = await shareablePost(deps, employee, {
      ...params,
      networkField: 'path.network',
    });
    const personalisation = await checkPersonalisation(
      deps,
      caller,
      employee,
      post,
      target,
      body.text,
    );
    return {
      status: personalisation.status === 'approved' ? 200 : 202,
      body: { personalisation },
    };
  },
});

/**
 * Checks an employee's own wording of a post for one network, as the compliance engine checks any
 * post, and keeps it with its audit entry: clean → approved, `review` → waits for legal, `block`
 * → refused with every finding and nothing stored.
 */
export const checkPersonalisation = async (
  deps: ApiDependencies,
  caller: Caller,
  employee: Employee,
  post: Post,
  target: CheckTarget,
  text: string,
): Promise<Personalisation> => {
  const at = deps.now();
  const policy = await deps.compliancePolicies.current();
  const findings = checkText(text, post, target, policy);
  const outcome = outcomeOf(findings);
  if (outcome === 'blocked') {
    throw new ComplianceBlockedError(
      'Your text cannot be shared: see each finding for what to change',
      findings,
    );
  }
  const personalisation: Personalisation = {
    personalisationId: personalisationIdOf(employee.employeeId, post.postId, target.network),
    employeeId: employee.employeeId,
    authorId: caller.userId,
    postId: post.postId,
    network: target.network,
    text,
    textHash: sha256(text),
    status: statusFor(outcome),
    findings,
    policyVersion: policy.version,
    baseHash: contentHashOf(post),
    checkedAt: at.toISOString(),
  };
  await deps.personalisations.save(personalisation, {
    at: personalisation.checkedAt,
    actor: caller.userId,
    action: 'personalisation.checked',
    subject: { postId: post.postId, version: post.version },
    before: null,
    after: {
      employeeId: employee.employeeId,
      network: target.network,
      status: personalisation.status,
      findings: findings.map((f) => `${f.severity}:${f.ruleId}`),
      policyVersion: policy.version,
      textHash: personalisation.textHash,
    },
  });
  return personalisation;
};

export const personalisationQueue = defineRoute({
  summary: 'Employees’ edits waiting for legal, oldest first, with their findings',
  description:
    'Each edit carries `textHash`, the hash of the text shown; approving or rejecting it names that hash.',
  tag: 'workflow',
  roles: ['legal'],
  query: z.strictObject({ limit: Limit }),
  response: {
    status: 200,
    description: 'The waiting edits',
    schema: z.object({ personalisations: z.array(PersonalisationSchema) }),
  },
  async handle({ query, deps }) {
    return {
      status: 200,
      body: { personalisations: await deps.personalisations.pendingReview(query.limit) },
    };
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
    errors: [404, 409],
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
