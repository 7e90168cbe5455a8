import type { CompliancePolicy, CompliancePolicyInput } from '#shared/compliance/policy';
import type { ImpactedPost, ImpactPhase } from '#shared/jobs/policy-impact';
import type { RenderedText } from '#shared/shares/rendered-text';
import { request } from './api';

/**
 * Legal's compliance policy: read, save bound to the version edited, its history, a dry run and
 * the impact job of a draft. Types from the API's own schemas (type-only: no zod here).
 */
export type { CompliancePolicy, ImpactedPost };
/** What legal edits: the policy without the server's version and authorship. */
export type PolicyDraft = CompliancePolicyInput;

export interface ImpactAnswer {
  job: { jobId: string; state: 'receiving' | 'queued' | 'running' | 'done' };
  impact?: {
    basedOn: number;
    phase: ImpactPhase;
    shardsDone: number;
    shardsTotal: number;
    employeesRead: number;
    postsChecked: number;
    campaignsChecked: number;
    blockedCount: number;
    blocked: ImpactedPost[];
    truncated: boolean;
  };
}

const PATH = '/policies/compliance';

export const getPolicy = () => request<{ policy: CompliancePolicy }>('GET', PATH);

export const getPolicyVersions = () =>
  request<{ versions: CompliancePolicy[] }>('GET', `${PATH}/versions`);

export const savePolicy = (policy: PolicyDraft, version: number) =>
  request<{ policy: CompliancePolicy }>('PUT', PATH, { ...policy, version });

export const dryRunPolicy = (
  policy: PolicyDraft,
  version: number,
  check: { text: string; network: string; topics: string[]; jurisdiction?: string },
) =>
  request<{ outcome: string; rendered: RenderedText }>('POST', `${PATH}/dry-run`, {
    policy,
    version,
    ...check,
  });

export const startImpact = (policy: PolicyDraft, version: number) =>
  request<ImpactAnswer>('POST', `${PATH}/impact`, { policy, version });

export const getImpact = (jobId: string) =>
  request<ImpactAnswer>('GET', `/jobs/${encodeURIComponent(jobId)}`);
