import type { ApprovalPolicy } from '#shared/approvals/policy';
import type { Role } from '#shared/auth/roles';
import type { EngagementPolicy } from '#shared/engagement/policy';
import type { RecognitionPolicy } from '#shared/recognition/policy';
import type { SharingPolicy } from '#shared/sharing/policy';
import { request } from './api';
import type { Draft, PolicyKind } from './policy-form';

/**
 * The admin's policies (approval, sharing, engagement, recognition): read, their versions, and
 * a save bound to the version edited. Types from the API's own schemas (type-only: no zod here).
 */
export type {
  ApprovalPolicy,
  EngagementPolicy,
  PolicyKind,
  RecognitionPolicy,
  Role,
  SharingPolicy,
};

/** Any of them as the API serves it: its fields, its version and who saved it when. */
export type StoredPolicy = ApprovalPolicy | SharingPolicy | EngagementPolicy | RecognitionPolicy;

const path = (kind: PolicyKind) => `/policies/${kind}`;

export const getAdminPolicy = (kind: PolicyKind) =>
  request<{ policy: StoredPolicy }>('GET', path(kind));

/** Every version, oldest first. */
export const getAdminPolicyVersions = (kind: PolicyKind) =>
  request<{ versions: StoredPolicy[] }>('GET', `${path(kind)}/versions`);

/** A 409 when `version` is no longer the one in force: nothing is overwritten. */
export const saveAdminPolicy = (kind: PolicyKind, draft: Draft, version: number) =>
  request<{ policy: StoredPolicy }>('PUT', path(kind), { ...draft, version });
