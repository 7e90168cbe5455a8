import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { nextNotice, noticesPassed } from '#shared/employees/connection-lifetime';
import type { Consent } from '#shared/employees/consent';
import { noConsent } from '#shared/employees/consent';
import {
  Connection,
  type ConnectionStatus,
  Employee,
  type EmployeeRequest,
  type EmployeeUpdate,
  summaryOf,
} from '#shared/employees/employee';
import { SegmentAttribute } from '#shared/employees/segment';
import { ConflictError, isConditionalCheckFailure, NotFoundError } from '#shared/errors';
import type { PendingEvent } from '#shared/events/publisher';
import { sha256 } from '#shared/hash';
import { newEmployeeId } from '#shared/ids';
import type { NetworkName } from '#shared/networks/network';
import type { AuditStore } from '#shared/store/audit';
import { batchGetItems } from '#shared/store/batch';
import { conditionalCommit, conditionalWrite } from '#shared/store/conditional';
import { keys, withoutKeys } from '#shared/store/keys';
import { type ItemFilter, indexPage } from '#shared/store/query-pages';
import { sortText } from '#shared/store/sort-text';
import type { TransactItem } from '#shared/store/transact';

/**
 * The directory is spread over shards of a sparse index, so a campaign's fan-out (or a segment
 * preview) reads it in parallel slices, none of which has to hold the whole company.
 */
export const DIRECTORY_SHARDS = 16;
export const directoryShardOf = (employeeId: string): number =>
  Number.parseInt(employeeId.slice(-4), 16) % DIRECTORY_SHARDS;

/** What the directory (and its CSV import) sets: the name and every attribute segments test. */
const ATTRIBUTES = ['name', ...SegmentAttribute.options] as const;

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/** An opaque position in one directory shard, for resuming a walk. */
export type DirectoryCursor = Record<string, unknown>;

const sameAttributes = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  ATTRIBUTES.every((key) => JSON.stringify(a[key] ?? null) === JSON.stringify(b[key] ?? null));

const directoryKeys = (employeeId: string) => ({
  gsi1pk: keys.directory(directoryShardOf(employeeId)),
  gsi1sk: employeeId,
});

/**
 * Where an entry sorts in the directory by name (gsi3): every write that sets the name sets
 * this from the same name, in the same request.
 */
const nameKeys = (employee: Pick<Employee, 'employeeId' | 'name'>) => ({
  gsi3pk: keys.directoryByName,
  gsi3sk: `${sortText(employee.name)}#${employee.employeeId}`,
});

/** What the admin's directory list can be narrowed by, beside a name prefix. */
export interface DirectoryFilters {
  department?: string | undefined;
  location?: string | undefined;
  status?: Employee['status'] | undefined;
}

/** How many entries one directory page may read to apply its filters. */
export const DIRECTORY_PAGE_BUDGET = 200;

const directoryFilter = (filters: DirectoryFilters): ItemFilter | undefined => {
  const chosen = Object.entries(filters).filter(([, value]) => value !== undefined);
  if (chosen.length === 0) return undefined;
  return {
    expression: chosen.map(([name]) => `#${name} = :${name}`).join(' AND '),
    names: Object.fromEntries(chosen.map(([name]) => [`#${name}`, name])),
    values: Object.fromEntries(chosen.map(([name, value]) => [`:${name}`, value])),
  };
};

/** True when an entry passes the filters, as the index's filter would decide. */
export const passesFilters = (employee: Employee, filters: DirectoryFilters): boolean =>
  Object.entries(filters).every(
    ([name, value]) => value === undefined || employee[name as keyof DirectoryFilters] === value,
  );

/** The stored form of an employee and of a connection (for bulk loads that skip the API). */
export const employeeItem = (employee: Employee) => ({
  ...keys.employee(employee.employeeId),
  ...directoryKeys(employee.employeeId),
  ...nameKeys(employee),
  ...employee,
});

/** The item that says which employee holds an email; written with the employee, never apart. */
export const employeeEmailItem = (employee: Pick<Employee, 'employeeId' | 'email'>) => ({
  ...keys.employeeEmail(employee.email),
  employeeId: employee.employeeId,
  email: employee.email,
});

/**
 * Entries created before ids were drawn at creation had the id their email hashed to, and no
 * email item: the directory still finds them by that id, and never makes new ones this way.
 */
const legacyEmployeeIdFor = (email: string): string => `emp_${sha256(email).slice(0, 20)}`;
/**
 * A connection's item: its sealed tokens beside it, and, while an expiry notice is ahead, the
 * index key the dispatcher finds it by when that notice is due.
 */
export const connectionItem = (
  connection: Connection,
  sealedCredentials?: string,
  now = new Date(connection.connectedAt),
) => {
  const given = noticesPassed(connection.expiresAt, now);
  const notice = nextNotice(connection.expiresAt, given);
  return {
    ...keys.connection(connection.employeeId, connection.network),
    ...connection,
    ...(sealedCredentials ? { sealedCredentials } : {}),
    noticesGiven: given,
    ...(notice ? noticeKeys(connection, notice.at) : {}),
  };
};

export const noticeKeys = (connection: Pick<Connection, 'employeeId' | 'network'>, at: Date) => ({
  gsi2pk: keys.connectionNotices,
  gsi2sk: `${at.toISOString()}#${connection.employeeId}#${connection.network}`,
});

export const createEmployeeStore = (tableName: string, audit: AuditStore) => {
  // Which sub signed in as this employee is the identity store's to read, not the directory's.
  /** Every change to the entry counts, the HR import's included, so If-Match sees it. */
  const VERSION_BUMP = 'version = if_not_exists(version, :one) + :one';

  const parse = ({ signInSub: _, ...item }: Record<string, unknown>) =>
    Employee.parse(withoutKeys(item));

  /**
   * Sets the directory attributes of an existing entry and leaves what the employee owns (consent,
   * connections, sign-in) untouched; attributes missing from `request` are removed, as the HR
   * export is the truth.
   */
  const writeAttributes = async (
    employeeId: string,
    request: EmployeeRequest,
    at: string,
  ): Promise<Record<string, unknown> | undefined> => {
    const names: Record<string, string> = {};
    const byName = nameKeys({ employeeId, name: request.name });
    const values: Record<string, unknown> = {
      ':at': at,
      ':one': 1,
      ':names': byName.gsi3pk,
      ':nameKey': byName.gsi3sk,
    };
    const sets = ['updatedAt = :at', VERSION_BUMP, 'gsi3pk = :names', 'gsi3sk = :nameKey'];
    const removes: string[] = [];
    for (const attribute of ATTRIBUTES) {
      names[`#${attribute}`] = attribute;
      const value = request[attribute];
      if (value === undefined) removes.push(`#${attribute}`);
      else {
        sets.push(`#${attribute} = :${attribute}`);
        values[`:${attribute}`] = value;
      }
    }
    try {
      const { Attributes } = await dynamo().send(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.employee(employeeId),
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes;
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new NotFoundError('Employee', employeeId);
      throw error;
    }
  };

  /** False when the email is claimed already (or, never in practice, the id is taken). */
  const createWithEmail = (employee: Employee, alongside: readonly TransactItem[] = []) =>
    conditionalWrite(
      new TransactWriteCommand({
        TransactItems: [
          ...[employeeItem(employee), employeeEmailItem(employee)].map((Item) => ({
            Put: { TableName: tableName, Item, ConditionExpression: 'attribute_not_exists(pk)' },
          })),
          ...alongside,
        ],
      }),
    );

  return {
    /** The employee who holds `email` in the directory, if anyone does. */
    async findByEmail(email: string): Promise<string | undefined> {
      const read = (Key: Record<string, string>) =>
        dynamo()
          .send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }))
          .then((r) => r.Item);
      // Both at once: an import reads this for every row, within the API's timeout.
      const legacyId = legacyEmployeeIdFor(email);
      const [claimed, legacy] = await Promise.all([
        read(keys.employeeEmail(email)),
        read(keys.employee(legacyId)),
      ]);
      if (claimed) return String(claimed.employeeId);
      return legacy?.email === email ? legacyId : undefined;
    },

    /**
     * Who holds each email, for many at once (100 keys a read): a bulk import looks a slice of
     * rows up in a few calls instead of two reads a row. Absent: nobody holds it.
     */
    async findManyByEmail(emails: readonly string[]): Promise<Map<string, string>> {
      const unique = [...new Set(emails)];
      const items = await batchGetItems(tableName, [
        ...unique.map((email) => keys.employeeEmail(email)),
        ...unique.map((email) => keys.employee(legacyEmployeeIdFor(email))),
      ]);
      const found = new Map<string, string>();
      for (const item of items) {
        if (item.sk === 'PROFILE') {
          const email = String(item.email);
          if (!found.has(email) && legacyEmployeeIdFor(email) === item.employeeId) {
            found.set(email, String(item.employeeId));
          }
        } else found.set(String(item.email), String(item.employeeId));
      }
      return found;
    },

    /**
     * Creates the entry and claims its email in one transaction: one email, one employee.
     * `alongside` commits with them (the request's stored answer).
     */
    async create(employee: Employee, alongside: readonly TransactItem[] = []): Promise<void> {
      const taken = await this.findByEmail(employee.email);
      if (taken || !(await createWithEmail(employee, alongside))) {
        throw new ConflictError(`An employee with email ${employee.email} already exists`);
      }
    },

    /**
     * Creates or updates one person, matched by email: a new person gets a new id, once, and
     * re-importing the same row changes nothing.
     */
    async importOne(
      request: EmployeeRequest,
      at: Date,
      /** Who holds the email, when the caller looked it up already (null: nobody did). */
      holder?: string | null,
    ): Promise<ImportOutcome> {
      const existing =
        holder === undefined ? await this.findByEmail(request.email) : (holder ?? undefined);
      if (existing) {
        const before = await writeAttributes(existing, request, at.toISOString());
        return before && sameAttributes(before, request) ? 'unchanged' : 'updated';
      }
      const employee = Employee.parse({
        ...request,
        employeeId: newEmployeeId(),
        status: 'active',
        createdAt: at.toISOString(),
        consent: noConsent(),
        connections: {},
      });
      if (await createWithEmail(employee)) return 'created';
      // Another import created them meanwhile: theirs is the entry, and this row updates it.
      return this.importOne(request, at);
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
      return parse(Item);
    },

    /** Many employees by id, 100 a read; unknown ids are absent from the answer. */
    async many(employeeIds: readonly string[]): Promise<Map<string, Employee>> {
      const items = await batchGetItems(
        tableName,
        [...new Set(employeeIds)].map((id) => keys.employee(id)),
      );
      return new Map(items.map(parse).map((e) => [e.employeeId, e]));
    },

    /**
     * Changes only the attributes named (null removes one), if the entry is still at `version`,
     * with its audit entry. Stale → 409; unknown → 404.
     */
    async update(
      employee: Employee,
      change: Omit<EmployeeUpdate, 'version'>,
      actor: string,
      at: Date,
    ): Promise<Employee> {
      const entries = Object.entries(change).filter(([, value]) => value !== undefined);
      // Nothing named, nothing to change: no write, no audit record, no new version (an update
      // with no attribute is not even a valid DynamoDB request).
      if (entries.length === 0) return employee;
      const sets = entries.filter(([, value]) => value !== null);
      const removes = entries.filter(([, value]) => value === null);
      const next = Employee.parse({
        ...Object.fromEntries(Object.entries(employee).filter(([k]) => !(k in change))),
        ...Object.fromEntries(sets),
        version: employee.version + 1,
        updatedAt: at.toISOString(),
      });
      await audit.commit({
        stream: `employee#${employee.employeeId}`,
        records: [
          {
            at: at.toISOString(),
            actor,
            action: 'employee.update',
            subject: { employeeId: employee.employeeId },
            before: Object.fromEntries(
              entries.map(([k]) => [k, employee[k as keyof Employee] ?? null]),
            ),
            after: Object.fromEntries(entries),
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(employee.employeeId),
              // The name key from the name it stores (an entry from before it gets it here).
              UpdateExpression: `SET updatedAt = :at, gsi3pk = :names, gsi3sk = :nameKey, ${VERSION_BUMP}${sets.map(([k]) => `, #${k} = :${k}`).join('')}${
                removes.length ? ` REMOVE ${removes.map(([k]) => `#${k}`).join(', ')}` : ''
              }`,
              // Entries from before versions count as version 1.
              ConditionExpression:
                'attribute_exists(pk) AND (version = :version OR (attribute_not_exists(version) AND :version = :one))',
              ExpressionAttributeNames: Object.fromEntries(entries.map(([k]) => [`#${k}`, k])),
              ExpressionAttributeValues: {
                ':at': at.toISOString(),
                ':one': 1,
                ':names': nameKeys(next).gsi3pk,
                ':nameKey': nameKeys(next).gsi3sk,
                ':version': employee.version,
                ...Object.fromEntries(sets.map(([k, v]) => [`:${k}`, v])),
              },
            },
          },
        ],
        conflict: `Employee ${employee.employeeId} changed meanwhile (version ${employee.version} is not the latest); reload it and retry`,
      });
      return next;
    },

    /** Deactivating stops everything for them at once: every share checks the status first. */
    async setStatus(
      employee: Employee,
      status: Employee['status'],
      actor: string,
      at: Date,
      alongside: readonly TransactItem[] = [],
    ): Promise<Employee> {
      const next = { ...employee, status, updatedAt: at.toISOString() };
      await audit.commit({
        stream: `employee#${employee.employeeId}`,
        records: [
          {
            at: next.updatedAt,
            actor,
            action: `employee.${status}`,
            subject: { employeeId: employee.employeeId },
            before: { status: employee.status },
            after: { status },
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(employee.employeeId),
              UpdateExpression: 'SET #status = :status, updatedAt = :at',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':at': next.updatedAt },
            },
          },
          ...alongside,
        ],
      });
      return next;
    },

    /**
     * Replaces the employee's consent if nobody changed it meanwhile, with its audit entry in the
     * same transaction: every consent change is on the record, before and after.
     */
    async updateConsent(
      employee: Employee,
      next: Consent,
      action: string,
      actor: string,
      at: Date,
      alongside: readonly TransactItem[] = [],
    ): Promise<Employee> {
      await audit.commit({
        stream: `employee#${employee.employeeId}`,
        records: [
          {
            at: at.toISOString(),
            actor,
            action,
            subject: { employeeId: employee.employeeId },
            before: employee.consent,
            after: next,
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(employee.employeeId),
              UpdateExpression: 'SET consent = :next',
              ConditionExpression: 'consent.revision = :revision',
              ExpressionAttributeValues: {
                ':next': next,
                ':revision': employee.consent.revision,
              },
            },
          },
          ...alongside,
        ],
        conflict: 'Your sharing settings changed meanwhile (another tab?); reload them and retry',
      });
      return { ...employee, consent: next };
    },

    /**
     * Stores a connection and its summary on the employee's record in one transaction, with its
     * audit entry: connecting a network is part of what an employee agreed to.
     */
    async putConnection(
      connection: Connection,
      actor: string,
      at: Date,
      sealedCredentials?: string,
    ): Promise<void> {
      await audit.commit({
        stream: `employee#${connection.employeeId}`,
        records: [
          {
            at: at.toISOString(),
            actor,
            action: `connection.${connection.status === 'active' ? 'connected' : connection.status}`,
            subject: { employeeId: connection.employeeId },
            before: null,
            // The handle and status only: tokens never reach the audit log.
            after: { network: connection.network, ...summaryOf(connection) },
          },
        ],
        writes: [
          {
            Put: {
              TableName: tableName,
              Item: connectionItem(connection, sealedCredentials, at),
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(connection.employeeId),
              UpdateExpression: 'SET connections.#network = :summary',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#network': connection.network },
              ExpressionAttributeValues: { ':summary': summaryOf(connection) },
            },
          },
        ],
      });
    },

    /** Disconnecting removes the connection (and its tokens) and its summary together. */
    async removeConnection(employeeId: string, network: NetworkName, at: Date): Promise<boolean> {
      const connection = await this.getConnection(employeeId, network);
      if (!connection) return false;
      await audit.commit({
        stream: `employee#${employeeId}`,
        records: [
          {
            at: at.toISOString(),
            actor: employeeId,
            action: 'connection.removed',
            subject: { employeeId },
            before: { network, ...summaryOf(connection) },
            after: null,
          },
        ],
        writes: [
          { Delete: { TableName: tableName, Key: keys.connection(employeeId, network) } },
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(employeeId),
              UpdateExpression: 'REMOVE connections.#network',
              ExpressionAttributeNames: { '#network': network },
            },
          },
        ],
      });
      return true;
    },

    /**
     * The audience the network reports now, on the connection and on its summary, while the same
     * connection stands (a reconnect replaces it). Not audited: it is a reading, not a decision.
     */
    async refreshAudience(connection: Connection, audienceSize: number, at: Date) {
      const { employeeId, network } = connection;
      return conditionalWrite(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: keys.connection(employeeId, network),
                UpdateExpression: 'SET audienceSize = :size, audienceCheckedAt = :at',
                ConditionExpression: 'connectedAt = :connectedAt',
                ExpressionAttributeValues: {
                  ':size': audienceSize,
                  ':at': at.toISOString(),
                  ':connectedAt': connection.connectedAt,
                },
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: keys.employee(employeeId),
                UpdateExpression: 'SET connections.#network.audienceSize = :size',
                ConditionExpression: 'attribute_exists(connections.#network)',
                ExpressionAttributeNames: { '#network': network },
                ExpressionAttributeValues: { ':size': audienceSize },
              },
            },
          ],
        }),
      );
    },

    /** A network said the token no longer works: the employee has to reconnect. */
    async markConnection(
      employeeId: string,
      network: NetworkName,
      status: ConnectionStatus,
      reason: string,
      at: Date,
      actor = 'system:share-worker',
      /** What the change announces, committed with it (nothing when there is no change). */
      events: readonly PendingEvent[] = [],
    ): Promise<void> {
      const connection = await this.getConnection(employeeId, network);
      if (!connection || connection.status === status) return;
      await audit.commit({
        stream: `employee#${employeeId}`,
        records: [
          {
            at: at.toISOString(),
            actor,
            action: `connection.${status}`,
            subject: { employeeId },
            before: { network, status: connection.status },
            after: { network, status, reason },
          },
        ],
        writes: [
          {
            Update: {
              TableName: tableName,
              Key: keys.connection(employeeId, network),
              UpdateExpression: 'SET #status = :status',
              ConditionExpression: '#status = :was',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':status': status, ':was': connection.status },
            },
          },
          {
            Update: {
              TableName: tableName,
              Key: keys.employee(employeeId),
              UpdateExpression: 'SET connections.#network.#status = :status',
              ExpressionAttributeNames: { '#network': network, '#status': 'status' },
              ExpressionAttributeValues: { ':status': status },
            },
          },
        ],
        dedupeKey: `connection#${employeeId}#${network}#${connection.connectedAt}#${status}`,
        events,
      });
    },

    /** Connections whose next expiry notice is due, oldest first, with how many were given. */
    async dueNotices(
      now: Date,
      limit: number,
    ): Promise<{ connection: Connection; given: number; noticeKey: string }[]> {
      const { Items = [] } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi2',
          KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :now',
          ExpressionAttributeValues: {
            ':pk': keys.connectionNotices,
            ':now': `${now.toISOString()}#~`,
          },
          Limit: limit,
        }),
      );
      return Items.map((item) => ({
        connection: Connection.parse(withoutKeys(item)),
        given: Number(item.noticesGiven ?? 0),
        noticeKey: String(item.gsi2sk),
      }));
    },

    /**
     * Gives a connection its next expiry notice: it moves past the notice (to the next one's key,
     * or out of the index after the last), takes its new status, and the notice is on the
     * employee's record and in the outbox (`events`), all in one transaction. Conditional on the
     * key it was found by, so of two sweeps only one gives the notice; false for the other.
     */
    async giveNotice(notice: {
      connection: Connection;
      noticeKey: string;
      given: number;
      next: Date | undefined;
      status: ConnectionStatus;
      reason: string;
      at: Date;
      actor: string;
      events: readonly PendingEvent[];
    }): Promise<boolean> {
      const { connection, status } = notice;
      const { employeeId, network } = connection;
      const nextKeys = notice.next ? noticeKeys(connection, notice.next) : undefined;
      return conditionalCommit(
        audit.commit({
          stream: `employee#${employeeId}`,
          records: [
            {
              at: notice.at.toISOString(),
              actor: notice.actor,
              action: `connection.${status}`,
              subject: { employeeId },
              before: { network, status: connection.status },
              after: { network, status, reason: notice.reason },
            },
          ],
          writes: [
            {
              Update: {
                TableName: tableName,
                Key: keys.connection(employeeId, network),
                UpdateExpression: nextKeys
                  ? 'SET noticesGiven = :given, #status = :status, gsi2sk = :next'
                  : 'SET noticesGiven = :given, #status = :status REMOVE gsi2pk, gsi2sk',
                ConditionExpression: 'gsi2sk = :key',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':given': notice.given,
                  ':status': status,
                  ':key': notice.noticeKey,
                  ...(nextKeys ? { ':next': nextKeys.gsi2sk } : {}),
                },
              },
            },
            {
              Update: {
                TableName: tableName,
                Key: keys.employee(employeeId),
                UpdateExpression: 'SET connections.#network.#status = :status',
                ExpressionAttributeNames: { '#network': network, '#status': 'status' },
                ExpressionAttributeValues: { ':status': status },
              },
            },
          ],
          conflict: `The ${network} connection of ${employeeId} was given this notice already`,
          events: notice.events,
        }),
      );
    },

    async getConnection(employeeId: string, network: string): Promise<Connection | undefined> {
      const { Item } = await dynamo().send(
        new GetCommand({
          TableName: tableName,
          Key: keys.connection(employeeId, network),
          ConsistentRead: true,
        }),
      );
      return Item ? Connection.parse(withoutKeys(Item)) : undefined;
    },

    /** Many employees' connections on one network, by employee id; absent: not connected. */
    async connectionsOn(
      network: string,
      employeeIds: readonly string[],
    ): Promise<Map<string, Connection>> {
      const items = await batchGetItems(
        tableName,
        [...new Set(employeeIds)].map((id) => keys.connection(id, network)),
      );
      const found = items.map((item) => Connection.parse(withoutKeys(item)));
      return new Map(found.map((c) => [c.employeeId, c]));
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

    /**
     * One page of a directory shard. The cursor is what DynamoDB returned, so a caller that stores
     * it (the fan-out's checkpoint) resumes exactly where it stopped.
     */
    async directoryPage(
      shard: number,
      cursor: DirectoryCursor | undefined,
      limit = 500,
    ): Promise<{ employees: Employee[]; next?: DirectoryCursor }> {
      const { Items = [], LastEvaluatedKey } = await dynamo().send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.directory(shard) },
          ExclusiveStartKey: cursor,
          Limit: limit,
        }),
      );
      return {
        employees: Items.map(parse),
        ...(LastEvaluatedKey ? { next: LastEvaluatedKey } : {}),
      };
    },

    /**
     * One page of the directory in name order (gsi3), optionally only names starting with a
     * prefix (folded as `sortText` folds them); department, location and status filter within
     * a bounded read, so a page may hold fewer than `limit` and still carry a cursor.
     */
    async list(
      query: DirectoryFilters & { name?: string | undefined },
      page: { limit: number; cursor?: string | undefined; budget?: number },
    ): Promise<{ employees: Employee[]; cursor?: string }> {
      const { name, ...filters } = query;
      const { items, cursor } = await indexPage(
        tableName,
        {
          index: 'gsi3',
          partition: keys.directoryByName,
          items: 'EMPLOYEE#',
          ...(name === undefined ? {} : { prefix: sortText(name) }),
        },
        {
          limit: page.limit,
          budget: page.budget ?? DIRECTORY_PAGE_BUDGET,
          cursor: page.cursor,
          filter: directoryFilter(filters),
          parse,
        },
      );
      return { employees: items, ...(cursor ? { cursor } : {}) };
    },

    /** Every employee for whom `keep` holds, reading the shards in parallel. */
    async everyone(keep: (employee: Employee) => boolean): Promise<Employee[]> {
      const shards = await Promise.all(
        Array.from({ length: DIRECTORY_SHARDS }, async (_, shard) => {
          const kept: Employee[] = [];
          let cursor: DirectoryCursor | undefined;
          do {
            const page = await this.directoryPage(shard, cursor, 1000);
            kept.push(...page.employees.filter(keep));
            cursor = page.next;
          } while (cursor);
          return kept;
        }),
      );
      return shards.flat();
    },
  };
};

export type EmployeeStore = ReturnType<typeof createEmployeeStore>;
