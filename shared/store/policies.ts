import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { ApprovalPolicy, defaultApprovalPolicy } from '#shared/approvals/policy';
import { dynamo } from '#shared/aws';
import { CompliancePolicy, defaultPolicy } from '#shared/compliance/policy';
import { defaultEngagementPolicy, EngagementPolicy } from '#shared/engagement/policy';
import type { PendingEvent } from '#shared/events/publisher';
import { defaultRecognitionPolicy, RecognitionPolicy } from '#shared/recognition/policy';
import { defaultSharingPolicy, SharingPolicy } from '#shared/sharing/policy';
import type { AuditStore } from '#shared/store/audit';
import { keys, withoutKeys } from '#shared/store/keys';
import { itemsWithPrefix } from '#shared/store/query-pages';

interface VersionedPolicy {
  version: number;
  updatedBy: string;
  updatedAt: string;
}

/**
 * A versioned policy (approval or compliance): the current one under CURRENT, every version kept
 * beside it. Until someone saves one, the built-in default is current and is version 1.
 */
export const createPolicyStore = <P extends VersionedPolicy>(
  tableName: string,
  audit: AuditStore,
  kind: string,
  schema: z.ZodType<P>,
  fallback: P,
) => {
  /**
   * A saved version never changes, so the same version is served as the same object: callers
   * (the compliance engine) compile a policy once per object, not once per share. Asking which
   * version is current is one small read; the whole policy is read only when it changed.
   */
  let cached: P | undefined;
  return {
    async current(): Promise<P> {
      const { Item: head } = await dynamo().send(
        new GetCommand({
          TableName: tableName,
          Key: keys.policy(kind),
          ConsistentRead: true,
          ProjectionExpression: '#version',
          ExpressionAttributeNames: { '#version': 'version' },
        }),
      );
      if (!head) return fallback;
      if (cached && cached.version === head.version) return cached;
      const { Item } = await dynamo().send(
        new GetCommand({
          TableName: tableName,
          Key: keys.policy(kind, Number(head.version)),
          ConsistentRead: true,
        }),
      );
      const policy = schema.parse(withoutKeys(Item ?? {}));
      cached = policy;
      return policy;
    },

    async versions(): Promise<P[]> {
      const stored = await itemsWithPrefix(
        tableName,
        { pk: keys.policy(kind).pk, prefix: 'VERSION#' },
        (item) => schema.parse(withoutKeys(item)),
      );
      return stored.some((p) => p.version === fallback.version) ? stored : [fallback, ...stored];
    },

    /**
     * Replaces the current policy if it is still `previous`: the new version, the current pointer,
     * the audit entry and the events announcing it land together, so the active policy is never
     * half-updated and never changed unannounced.
     */
    async replace(next: P, previous: P, events: readonly PendingEvent[] = []): Promise<void> {
      const isFirstSave = previous === fallback;
      await audit.commit({
        stream: `policy#${kind}`,
        records: [
          {
            at: next.updatedAt,
            actor: next.updatedBy,
            action: `policy.${kind}.updated`,
            subject: { policy: kind },
            before: previous,
            after: next,
          },
        ],
        writes: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.policy(kind), ...next },
              ConditionExpression: isFirstSave ? 'attribute_not_exists(pk)' : '#version = :version',
              ...(isFirstSave
                ? {}
                : {
                    ExpressionAttributeNames: { '#version': 'version' },
                    ExpressionAttributeValues: { ':version': previous.version },
                  }),
            },
          },
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.policy(kind, next.version), ...next },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
        conflict: `The ${kind} policy changed since version ${previous.version}; reload it and retry`,
        events,
      });
    },
  };
};

export type PolicyStore<P extends VersionedPolicy> = ReturnType<typeof createPolicyStore<P>>;

export const createCompliancePolicyStore = (tableName: string, audit: AuditStore) =>
  createPolicyStore(tableName, audit, 'compliance', CompliancePolicy, defaultPolicy);

export const createApprovalPolicyStore = (tableName: string, audit: AuditStore) =>
  createPolicyStore(tableName, audit, 'approval', ApprovalPolicy, defaultApprovalPolicy);

export const createSharingPolicyStore = (tableName: string, audit: AuditStore) =>
  createPolicyStore(tableName, audit, 'sharing', SharingPolicy, defaultSharingPolicy);

export const createEngagementPolicyStore = (tableName: string, audit: AuditStore) =>
  createPolicyStore(tableName, audit, 'engagement', EngagementPolicy, defaultEngagementPolicy);

export const createRecognitionPolicyStore = (tableName: string, audit: AuditStore) =>
  createPolicyStore(tableName, audit, 'recognition', RecognitionPolicy, defaultRecognitionPolicy);
