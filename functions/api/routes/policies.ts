import { z } from 'zod';
import { etag, expectedVersion } from '#functions/api/http';
import { defineRoute } from '#functions/api/route';
import { VersionField } from '#functions/api/schemas';
import { ApprovalPolicy, ApprovalPolicyInput } from '#shared/approvals/policy';
import { ConflictError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';

const PolicyAnswer = z.object({ policy: ApprovalPolicy });

export const getApprovalPolicy = defineRoute({
  summary: 'The approval policy in force (ETag = its version)',
  tag: 'policies',
  roles: ['marketing', 'legal', 'admin'],
  response: { status: 200, description: 'The current policy', schema: PolicyAnswer },
  async handle({ deps }) {
    const policy = await deps.approvalPolicies.current();
    return { status: 200, body: { policy }, headers: { etag: etag(policy.version) } };
  },
});

export const listApprovalPolicyVersions = defineRoute({
  summary: 'Every version of the approval policy, oldest first',
  tag: 'policies',
  roles: ['legal', 'admin'],
  response: {
    status: 200,
    description: 'The versions',
    schema: z.object({ versions: z.array(ApprovalPolicy) }),
  },
  async handle({ deps }) {
    return { status: 200, body: { versions: await deps.approvalPolicies.versions() } };
  },
});

export const putApprovalPolicy = defineRoute({
  summary: 'Replace the approval policy with a new version',
  description:
    'Posts already in review keep the plan they started with; the next check uses the new version.',
  tag: 'policies',
  roles: ['admin'],
  body: ApprovalPolicyInput.safeExtend({ version: VersionField.optional() }),
  ifMatch: true,
  response: { status: 200, description: 'The new policy', schema: PolicyAnswer },
  errors: [409],
  async handle({ body, caller, deps, request }) {
    const { version, ...input } = body;
    const replacing = expectedVersion(request, version);
    const current = await deps.approvalPolicies.current();
    if (replacing !== current.version) {
      throw new ConflictError(
        `You edited version ${replacing} but version ${current.version} is in force; reload it`,
      );
    }
    const policy: ApprovalPolicy = {
      ...input,
      version: current.version + 1,
      updatedBy: caller.userId,
      updatedAt: deps.now().toISOString(),
    };
    await deps.approvalPolicies.replace(policy, current);
    await deps.publish([
      event(DETAIL_TYPES.approvalPolicyUpdated, { version: policy.version, actor: caller.userId }),
    ]);
    return { status: 200, body: { policy }, headers: { etag: etag(policy.version) } };
  },
});
