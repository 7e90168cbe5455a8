import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { ChorusFunction } from '#infra/chorus-function';
import type { FunctionUses, TableAccess } from '#infra/declaration';
import { NetworkName } from '#shared/networks/network';
import { leadingKeyPattern } from '#shared/store/keys';

/**
 * The item calls each kind of access needs. A transaction is authorised item by item under
 * these same actions, so TransactWriteItems needs nothing more; nothing here scans.
 */
export const TABLE_ACTIONS = {
  read: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
  ],
  write: [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ],
} as const;

/**
 * A function may touch only the items whose partition key belongs to its declared families
 * (`dynamodb:LeadingKeys`), and query only its declared indexes. The index grant carries no
 * key condition: an index's partition keys are not the table's, and the items an index can
 * answer are those its own key design puts there.
 */
export const grantTableAccess = (fn: ChorusFunction, table: ITable, access: TableAccess) => {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [
        ...TABLE_ACTIONS.read,
        ...(access.access === 'readWrite' ? TABLE_ACTIONS.write : []),
      ],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': access.partitions.map(leadingKeyPattern),
        },
      },
    }),
  );
  if (access.indexes.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: access.indexes.map((index) => `${table.tableArn}/index/${index}`),
      }),
    );
  }
};

/**
 * The two encryption contexts Chorus seals with: an employee's tokens (employee, network) and a
 * Mastodon instance's app secret (network, instance). A call must name exactly one of them, so
 * the key cannot be used for anything else, even by a function that holds the grant.
 */
const SEALING_CONTEXTS = [
  ['employeeId', 'network'],
  ['network', 'instance'],
] as const;

export const grantTokenKey = (
  fn: ChorusFunction,
  key: IKey,
  mode: NonNullable<FunctionUses['tokenKey']>,
) => {
  for (const contextKeys of SEALING_CONTEXTS) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: mode === 'open' ? ['kms:Decrypt'] : ['kms:Encrypt', 'kms:Decrypt'],
        resources: [key.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...contextKeys] },
          Null: Object.fromEntries(
            contextKeys.map((name) => [`kms:EncryptionContext:${name}`, 'false']),
          ),
          StringEquals: { 'kms:EncryptionContext:network': NetworkName.options },
        },
      }),
    );
  }
};
