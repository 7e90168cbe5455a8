import type { PollerDependencies } from '#functions/engagement-poller/poll-engagement';
import type { NetworkRegistry } from '#shared/networks/registry';
import { createAuditStore } from '#shared/store/audit';
import { createEmployeeStore } from '#shared/store/employees';
import { createLinkStore } from '#shared/store/links';
import { createEngagementPolicyStore, createRecognitionPolicyStore } from '#shared/store/policies';
import { createPollRunStore } from '#shared/store/poll-runs';
import { createReadBudgetStore } from '#shared/store/read-budget';
import { createRecognitionStore } from '#shared/store/recognition';
import { createShareStore } from '#shared/store/shares';

/** The poller's stores on one table; the handler and the tests build it the same way. */
export const createPollerDependencies = (
  tableName: string,
  networks: NetworkRegistry,
): PollerDependencies => {
  const audit = createAuditStore(tableName);
  const policies = createEngagementPolicyStore(tableName, audit);
  const recognitionPolicies = createRecognitionPolicyStore(tableName, audit);
  const recognition = createRecognitionStore(tableName, audit);
  return {
    shares: createShareStore(tableName),
    employees: createEmployeeStore(tableName, audit),
    links: createLinkStore(tableName),
    readBudget: createReadBudgetStore(tableName),
    engagementPolicy: () => policies.current(),
    recognition: {
      awardItems: recognition.awardItems,
      policy: () => recognitionPolicies.current(),
    },
    networks,
    runs: createPollRunStore(tableName),
  };
};
