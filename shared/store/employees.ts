import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { Connection, Employee, receivesShares } from '#shared/employees/employee';
import { ConflictError, isConditionalCheckFailure, NotFoundError } from '#shared/errors';
import { keys, withoutKeys } from '#shared/store/keys';
import { queryPages } from '#shared/store/query-pages';
import type { TransactItem } from '#shared/store/transact';

/** One (employee, network) pair that receives a segment's campaigns. */
export interface OptIn {
  employeeId: string;
  network: Connection['network'];
  audienceSize: number;
}

export const createEmployeeStore = (tableName: string) => ({
  async create(employee: Employee): Promise<void> {
    try {
      await dynamo().send(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.employee(employee.employeeId), ...employee },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        throw new ConflictError(`An employee with email ${employee.email} already exists`);
      }
      throw error;
    }
  },

  async get(employeeId: string): Promise<Employee> {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.employee(employeeId),
        ConsistentRead: true,
      }),
    );
    if (!Item) throw new NotFoundError('Employee', employeeId);
    return Employee.parse(withoutKeys(Item));
  },

  /**
   * Stores a connection and, in the same transaction, the opt-in entries the fan-out reads for
   * each of the employee's segments: the two can never disagree.
   */
  async putConnection(employee: Employee, connection: Connection): Promise<void> {
    const optedIn = receivesShares(employee, connection);
    const optInItems: TransactItem[] = employee.segments.map((segment) => {
      const key = keys.optIn(segment, employee.employeeId, connection.network);
      return optedIn
        ? {
            Put: {
              TableName: tableName,
              Item: {
                ...key,
                employeeId: employee.employeeId,
                network: connection.network,
                audienceSize: connection.audienceSize,
              } satisfies OptIn & typeof key,
            },
          }
        : { Delete: { TableName: tableName, Key: key } };
    });
    await dynamo().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName,
              Item: { ...keys.connection(employee.employeeId, connection.network), ...connection },
            },
          },
          ...optInItems,
        ],
      }),
    );
  },

  async getConnection(employeeId: string, network: string): Promise<Connection | undefined> {
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: tableName, Key: keys.connection(employeeId, network) }),
    );
    return Item ? Connection.parse(withoutKeys(Item)) : undefined;
  },

  async listConnections(employeeId: string): Promise<Connection[]> {
    const { Items = [] } = await dynamo().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': keys.employee(employeeId).pk,
          ':prefix': keys.connectionPrefix,
        },
      }),
    );
    return Items.map((item) => Connection.parse(withoutKeys(item)));
  },

  /** Pages through a segment's opt-ins without holding the whole segment in memory. */
  async *optInsOf(segment: string): AsyncGenerator<OptIn[]> {
    const { pk, skPrefix } = keys.optInsOf(segment);
    yield* queryPages({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
      ProjectionExpression: 'employeeId, network, audienceSize',
    }) as AsyncGenerator<OptIn[]>;
  },
});

export type EmployeeStore = ReturnType<typeof createEmployeeStore>;
