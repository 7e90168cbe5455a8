import type { ApprovalPolicy } from '#shared/approvals/policy';
import { now } from '#shared/clock';
import type { CompliancePolicy } from '#shared/compliance/policy';
import type { EngagementPolicy } from '#shared/engagement/policy';
import { deployedNetworks } from '#shared/networks/deployment';
import type { NetworkRegistry } from '#shared/networks/registry';
import { type QueuedJob, sendShareJobs } from '#shared/queue/share-queue';
import type { RecognitionPolicy } from '#shared/recognition/policy';
import type { SharingPolicy } from '#shared/sharing/policy';
import { type AuditStore, createAuditStore } from '#shared/store/audit';
import { type CampaignStore, createCampaignStore } from '#shared/store/campaigns';
import { type CredentialStore, createCredentialStore } from '#shared/store/credentials';
import { createEmployeeStore, type EmployeeStore } from '#shared/store/employees';
import { createIdempotencyStore, type IdempotencyStore } from '#shared/store/idempotency';
import { createIdentityStore, type IdentityStore } from '#shared/store/identities';
import { createJobStore, type JobStore } from '#shared/store/jobs';
import { createLinkStore, type LinkStore } from '#shared/store/links';
import { createSignInStore, type SignInStore } from '#shared/store/oauth-states';
import {
  createPersonalisationStore,
  type PersonalisationStore,
} from '#shared/store/personalisations';
import {
  createApprovalPolicyStore,
  createCompliancePolicyStore,
  createEngagementPolicyStore,
  createRecognitionPolicyStore,
  createSharingPolicyStore,
  type PolicyStore,
} from '#shared/store/policies';
import { createPostStore, type PostStore } from '#shared/store/posts';
import { createRecognitionStore, type RecognitionStore } from '#shared/store/recognition';
import { createSegmentStore, type SegmentStore } from '#shared/store/segments';
import { createShareIssueStore, type ShareIssueStore } from '#shared/store/share-issues';
import { createShareStore, type ShareStore } from '#shared/store/shares';
import { createSpendStore, type SpendStore } from '#shared/store/spend';

/** What route handlers work with; tests build it against DynamoDB Local or with fakes. */
export interface ApiDependencies {
  posts: PostStore;
  campaigns: CampaignStore;
  employees: EmployeeStore;
  /** Which employee each signed-in person (`sub`) is. */
  identities: IdentityStore;
  shares: ShareStore;
  /** Shares that need a person (unknown, failed), and their resolution. */
  shareIssues: ShareIssueStore;
  /** Background jobs (directory imports): their parts, progress and reports. */
  jobs: JobStore;
  audit: AuditStore;
  approvalPolicies: PolicyStore<ApprovalPolicy>;
  compliancePolicies: PolicyStore<CompliancePolicy>;
  sharingPolicies: PolicyStore<SharingPolicy>;
  engagementPolicies: PolicyStore<EngagementPolicy>;
  recognitionPolicies: PolicyStore<RecognitionPolicy>;
  recognition: RecognitionStore;
  segments: SegmentStore;
  spend: SpendStore;
  idempotency: IdempotencyStore;
  personalisations: PersonalisationStore;
  /** The networks this deployment offers, for the settings in force. */
  networks: () => Promise<NetworkRegistry>;
  credentials: CredentialStore;
  signIns: SignInStore;
  links: LinkStore;
  /** Puts share jobs on the share queue (an employee's own share from the feed). */
  queueShares: (jobs: readonly QueuedJob[]) => Promise<unknown>;
  /** The API's own address: networks send employees back to `${apiUrl}/oauth/{network}/callback`. */
  apiUrl: string;
  now: () => Date;
}

export const createApiDependencies = (config: {
  TABLE_NAME: string;
  TOKEN_KEY?: string | undefined;
  SHARE_QUEUE_URL?: string | undefined;
  API_URL?: string | undefined;
}): ApiDependencies => {
  const audit = createAuditStore(config.TABLE_NAME);
  const networks = deployedNetworks(config.TABLE_NAME, config.TOKEN_KEY);
  return {
    networks: () => networks.registry(),
    credentials: createCredentialStore(config.TABLE_NAME, networks.cipher),
    signIns: createSignInStore(config.TABLE_NAME),
    links: createLinkStore(config.TABLE_NAME),
    queueShares: (jobs) => sendShareJobs(config.SHARE_QUEUE_URL ?? '', jobs),
    apiUrl: config.API_URL ?? 'http://127.0.0.1:4000',
    posts: createPostStore(config.TABLE_NAME, audit),
    campaigns: createCampaignStore(config.TABLE_NAME, audit),
    spend: createSpendStore(config.TABLE_NAME),
    employees: createEmployeeStore(config.TABLE_NAME, audit),
    identities: createIdentityStore(config.TABLE_NAME, audit),
    segments: createSegmentStore(config.TABLE_NAME, audit),
    shares: createShareStore(config.TABLE_NAME),
    shareIssues: createShareIssueStore(config.TABLE_NAME),
    jobs: createJobStore(config.TABLE_NAME),
    audit,
    approvalPolicies: createApprovalPolicyStore(config.TABLE_NAME, audit),
    compliancePolicies: createCompliancePolicyStore(config.TABLE_NAME, audit),
    sharingPolicies: createSharingPolicyStore(config.TABLE_NAME, audit),
    engagementPolicies: createEngagementPolicyStore(config.TABLE_NAME, audit),
    recognitionPolicies: createRecognitionPolicyStore(config.TABLE_NAME, audit),
    recognition: createRecognitionStore(config.TABLE_NAME, audit),
    idempotency: createIdempotencyStore(config.TABLE_NAME),
    personalisations: createPersonalisationStore(config.TABLE_NAME, audit),
    now,
  };
};
