import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { ConflictError } from '#shared/errors';
import type { AuditStore } from '#shared/store/audit';
import { keys } from '#shared/store/keys';

/** What a person's first sign-in established: this `sub` is this employee, from then on. */
export interface IdentityLink {
  sub: string;
  employeeId: string;
  /** The verified email the link was made through; never read again to find anyone. */
  email: string;
  linkedAt: string;
}

/**
 * The directory's links from a sign-in subject (the token's `sub`) to an employee. Each side is
 * written once: a sub is linked to one employee, and an employee to one sub, both in the same
 * transaction as the audit entry, so neither can be re-pointed later by what a token says.
 */
export const createIdentityStore = (tableName: string, audit: AuditStore) => ({
  async employeeOf(sub: string): Promise<string | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.identity(sub), ConsistentRead: true }),
    );
    return Item ? String(Item.employeeId) : undefined;
  },

  /**
   * The sub an employee signed in with, if they ever did: what their own steps are recorded
   * under. Written once, with the link, on the directory entry.
   */
  async subOf(employeeId: string): Promise<string | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.employee(employeeId),
        ProjectionExpression: 'signInSub',
        ConsistentRead: true,
      }),
    );
    return typeof Item?.signInSub === 'string' ? Item.signInSub : undefined;
  },

  /** False when the sub or the employee was linked already (to this or another). */
  async link(link: IdentityLink): Promise<boolean> {
    try {
      await audit.commit({
        stream: `employee#${link.employeeId}`,
        records: [
          {
            at: link.linkedAt,
            actor: link.sub,
            action: 'identity.linked',
            subject: { employeeId: link.employeeId },
            before: null,
            after: { sub: link.sub },
          },
        ],
        writes: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.identity(link.sub), ...link },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            // The entry must still hold the email the link was made through, and no sub yet.
            Update: {
              TableName: tableName,
              Key: keys.employee(link.employeeId),
              UpdateExpression: 'SET signInSub = :sub',
              ConditionExpression: 'email = :email AND attribute_not_exists(signInSub)',
              ExpressionAttributeValues: { ':sub': link.sub, ':email': link.email },
            },
          },
        ],
      });
      return true;
    } catch (error) {
      if (error instanceof ConflictError) return false;
      throw error;
    }
  },
});

export type IdentityStore = ReturnType<typeof createIdentityStore>;
