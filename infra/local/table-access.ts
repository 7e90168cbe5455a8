import { AsyncLocalStorage } from 'node:async_hooks';
import type { TableAccess } from '#infra/declaration';
import { dynamo } from '#shared/aws';
import { partitionOf } from '#shared/store/keys';

interface Scope {
  functionName: string;
  access: TableAccess | undefined;
}

const running = new AsyncLocalStorage<Scope>();

/** Runs a function's invocation under its declared share of the table. */
export const withTableAccess = <T>(
  functionName: string,
  access: TableAccess | undefined,
  run: () => Promise<T>,
): Promise<T> => running.run({ functionName, access }, run);

/** DynamoDB's own refusal, as IAM would give it in AWS. */
export class AccessDeniedException extends Error {
  override readonly name = 'AccessDeniedException';
}

type Marshalled = Record<string, { S?: string } | string | undefined>;

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);

const pkOf = (key: Marshalled | undefined): string | undefined => {
  const value = key?.pk;
  return typeof value === 'string' ? value : value?.S;
};

interface Touch {
  partitions: (string | undefined)[];
  index?: string;
}

/** The partition keys one call touches, read from its input as IAM reads them. */
const touchedBy = (input: Record<string, unknown>): Touch => {
  if (input.TransactItems) {
    const items = input.TransactItems as Record<string, { Key?: Marshalled; Item?: Marshalled }>[];
    return {
      partitions: items.flatMap((item) => Object.values(item).map((op) => pkOf(op.Key ?? op.Item))),
    };
  }
  if (input.RequestItems) {
    const requests = Object.values(input.RequestItems as Record<string, unknown>);
    return {
      partitions: requests.flatMap((request) =>
        Array.isArray(request)
          ? request.map(
              (write: { PutRequest?: { Item: Marshalled }; DeleteRequest?: { Key: Marshalled } }) =>
                pkOf(write.PutRequest?.Item ?? write.DeleteRequest?.Key),
            )
          : ((request as { Keys: Marshalled[] }).Keys ?? []).map(pkOf),
      ),
    };
  }
  if (input.KeyConditionExpression) {
    if (input.IndexName) return { partitions: [], index: String(input.IndexName) };
    const placeholder = String(input.KeyConditionExpression).match(/\bpk\s*=\s*(:\w+)/)?.[1];
    const values = input.ExpressionAttributeValues as Marshalled | undefined;
    return { partitions: [pkOf(placeholder ? { pk: values?.[placeholder] } : undefined)] };
  }
  return { partitions: [pkOf((input.Key ?? input.Item) as Marshalled | undefined)] };
};

const refuse = (scope: Scope, command: string, what: string) =>
  new AccessDeniedException(
    `chorus-${scope.functionName} is not authorized to perform dynamodb:${command.replace(/Command$/, '')} on ${what}: not in its declared table access (infra/declaration.ts)`,
  );

const check = (scope: Scope, command: string, input: Record<string, unknown>) => {
  const access = scope.access;
  if (!access) throw refuse(scope, command, 'the table');
  if (WRITES.has(command) && access.access !== 'readWrite')
    throw refuse(scope, command, 'the table');
  const touch = touchedBy(input);
  if (touch.index !== undefined) {
    if (!(access.indexes as readonly string[]).includes(touch.index)) {
      throw refuse(scope, command, `index ${touch.index}`);
    }
    return;
  }
  for (const pk of touch.partitions) {
    const family = pk === undefined ? undefined : partitionOf(pk);
    if (!family || !access.partitions.includes(family)) {
      throw refuse(scope, command, `partition ${pk ?? '(none)'}`);
    }
  }
};

let enforcing = false;

/**
 * Makes the local runtime refuse, as IAM does in AWS, any DynamoDB call a function makes outside
 * its declared partition families and indexes. Local runs then prove the declaration is enough,
 * and a function reaching for a new item type fails here before it fails in the cloud.
 */
export const enforceTableAccess = () => {
  if (enforcing) return;
  enforcing = true;
  dynamo().middlewareStack.add(
    (next, context) => async (args) => {
      const scope = running.getStore();
      if (scope) check(scope, String(context.commandName), args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'build', name: 'chorusTableAccess' },
  );
};
