import { z } from 'zod';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import type { ApiDependencies } from '#functions/api/dependencies';
import { etag, expectedVersion } from '#functions/api/http';
import { openImpact } from '#functions/api/jobs/policy-impact';
import { defineRoute, type RouteSpec } from '#functions/api/route';
import { VersionETag, VersionField } from '#functions/api/schemas';
import { ApprovalPolicy, ApprovalPolicyInput } from '#shared/approvals/policy';
import type { Role } from '#shared/auth/roles';
import { CompliancePolicy, CompliancePolicyInput } from '#shared/compliance/policy';
import { CompliancePolicyDraft, draftPolicy } from '#shared/compliance/policy-draft';
import { EngagementPolicy, EngagementPolicyInput } from '#shared/engagement/policy';
import { ConflictError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { RecognitionPolicy, RecognitionPolicyInput } from '#shared/recognition/policy';
import { SharingPolicy, SharingPolicyInput } from '#shared/sharing/policy';
import type { PolicyStore } from '#shared/store/policies';

interface Versioned {
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/**
 * Read, replace and list the versions of one kind of policy. Replacing needs the version being
 * replaced (body or If-Match), so two people editing at once cannot overwrite each other, and
 * the new version, the current pointer and the audit entry land in one transaction.
 */
const policyRoutes = <I extends object, P extends Versioned>(spec: {
  label: string;
  input: z.ZodType<I>;
  schema: z.ZodType<P>;
  store: (deps: ApiDependencies) => PolicyStore<P>;
  detailType: (typeof DETAIL_TYPES)[
    | 'approvalPolicyUpdated'
    | 'compliancePolicyUpdated'
    | 'sharingPolicyUpdated'
    | 'engagementPolicyUpdated'
    | 'recognitionPolicyUpdated'];
  readers: readonly Role[];
  writers: readonly Role[];
  historians: readonly Role[];
  description?: string;
}): { get: RouteSpec; put: RouteSpec; versions: RouteSpec } => {
  const answer = z.object({ policy: spec.schema });
  return {
    get: defineRoute({
      summary: `The ${spec.label} policy in force (ETag = its version)`,
      tag: 'policies',
      roles: spec.readers,
      response: {
        status: 200,
        description: 'The current policy',
        schema: answer,
        headers: VersionETag,
      },
      async handle({ deps }) {
        const policy = await spec.store(deps).current();
        return { status: 200, body: { policy }, headers: { etag: etag(policy.version) } };
      },
    }),
    versions: defineRoute({
      summary: `Every version of the ${spec.label} policy, oldest first`,
      tag: 'policies',
      roles: spec.historians,
      response: {
        status: 200,
        description: 'The versions',
        schema: z.object({ versions: z.array(spec.schema) }),
      },
      async handle({ deps }) {
        return { status: 200, body: { versions: await spec.store(deps).versions() } };
      },
    }),
    put: defineRoute({
      summary: `Replace the ${spec.label} policy with a new version`,
      ...(spec.description ? { description: spec.description } : {}),
      tag: 'policies',
      roles: spec.writers,
      body: z.intersection(spec.input, z.object({ version: VersionField.optional() })),
      ifMatch: true,
      response: {
        status: 200,
        description: 'The new policy',
        schema: answer,
        headers: VersionETag,
      },
      conflicts: [
        `The version you edited is not the ${spec.label} policy in force: someone saved it since; reload it`,
      ],
      async handle({ body, caller, deps, request }) {
        const { version, ...input } = body as I & { version?: number };
        const replacing = expectedVersion(request, version);
        const store = spec.store(deps);
        const current = await store.current();
        if (replacing !== current.version) {
          throw new ConflictError(
            `You edited version ${replacing} but version ${current.version} is in force; reload it`,
          );
        }
        const policy = {
          ...input,
          version: current.version + 1,
          updatedBy: caller.userId,
          updatedAt: deps.now().toISOString(),
        } as unknown as P;
        // Announced from the outbox, committed with the new version: never saved unannounced.
        await store.replace(policy, current, [
          event(spec.detailType, { version: policy.version, actor: caller.userId }),
        ]);
        return { status: 200, body: { policy }, headers: { etag: etag(policy.version) } };
      },
    }),
  };
};

export const approvalPolicyRoutes = policyRoutes({
  label: 'approval',
  input: ApprovalPolicyInput,
  schema: ApprovalPolicy,
  store: (deps) => deps.approvalPolicies,
  detailType: DETAIL_TYPES.approvalPolicyUpdated,
  readers: ['marketing', 'legal', 'admin'],
  writers: ['admin'],
  historians: ['legal', 'admin'],
  description:
    'Posts already in review keep the plan they started with; the next check uses the new version.',
});

export const compliancePolicyRoutes = policyRoutes({
  label: 'compliance',
  input: CompliancePolicyInput,
  schema: CompliancePolicy,
  store: (deps) => deps.compliancePolicies,
  detailType: DETAIL_TYPES.compliancePolicyUpdated,
  readers: ['marketing', 'legal', 'admin'],
  writers: ['legal'],
  historians: ['legal', 'admin'],
  description:
    'Every check records the version it used. Approved posts keep the disclaimers they were approved with; each share is checked again under the version in force.',
});

export const sharingPolicyRoutes = policyRoutes({
  label: 'sharing',
  input: SharingPolicyInput,
  schema: SharingPolicy,
  store: (deps) => deps.sharingPolicies,
  detailType: DETAIL_TYPES.sharingPolicyUpdated,
  readers: ['marketing', 'legal', 'admin'],
  writers: ['admin'],
  historians: ['legal', 'admin'],
  description:
    'Defaults apply to employees who did not choose; maxima cap what they may choose. There is no auto-share switch: only employees turn it on.',
});

export const engagementPolicyRoutes = policyRoutes({
  label: 'engagement',
  input: EngagementPolicyInput,
  schema: EngagementPolicy,
  store: (deps) => deps.engagementPolicies,
  detailType: DETAIL_TYPES.engagementPolicyUpdated,
  readers: ['marketing', 'admin'],
  writers: ['admin'],
  historians: ['marketing', 'admin'],
  description:
    'How often shares are read back (per network if needed) and the CPM, CPC and reaction weight earned media value uses. Readings already scheduled keep their time; the next one follows the new cadence.',
});

export const recognitionPolicyRoutes = policyRoutes({
  label: 'recognition',
  input: RecognitionPolicyInput,
  schema: RecognitionPolicy,
  store: (deps) => deps.recognitionPolicies,
  detailType: DETAIL_TYPES.recognitionPolicyUpdated,
  readers: ['employee', 'marketing', 'admin'],
  writers: ['admin'],
  historians: ['marketing', 'admin'],
  description:
    'Points per action. Every ledger entry names the version it was earned under; a new version applies to what is earned next, never to the past.',
});

/** A draft of the compliance policy: what legal is editing, with the version it was edited from. */
export const compliancePolicyImpact = defineRoute({
  summary:
    'Start listing the approved posts and scheduled campaigns a draft compliance policy would block',
  description:
    'Nothing is saved: the draft (`policy`, as `PUT /policies/compliance` takes it, and the `version` it was edited from) is checked in the background against every approved post and every scheduled campaign, each variant rendered on each network exactly as the share worker would post it, for each jurisdiction its recipients are in. Follow it at `GET /jobs/{jobId}`, whose `impact` lists the posts the draft would block (at most 25, `truncated` when there are more; `blockedCount` counts them all) with the renderings, their blocking findings and the recipients’ jurisdictions. The result stays readable for 30 days.',
  tag: 'policies',
  roles: ['legal', 'admin'],
  body: CompliancePolicyDraft,
  response: { status: 202, description: 'The impact job, started', schema: JobAnswer },
  errors: [422],
  unprocessable: [
    'The draft is larger than a background job may carry (`unprocessable`): check it in smaller steps',
  ],
  async handle({ body, caller, deps }) {
    const job = await openImpact(
      deps,
      caller.userId,
      draftPolicy(body, caller, deps.now()),
      body.version,
    );
    return { status: 202, body: jobAnswer(job) };
  },
});
