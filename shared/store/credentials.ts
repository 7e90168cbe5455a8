import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '#shared/aws';
import { connectionEnd } from '#shared/employees/connection-lifetime';
import type { Connection } from '#shared/employees/employee';
import { isConditionalCheckFailure } from '#shared/errors';
import { logger } from '#shared/logger';
import { isNetworkError } from '#shared/networks/errors';
import { type Account, Credentials, type NetworkAdapter } from '#shared/networks/network';
import type { TokenCipher } from '#shared/secrets/token-cipher';
import { keys } from '#shared/store/keys';

/** Refresh a little before the access token runs out, so a publish never starts on a dying one. */
const REFRESH_AHEAD_MS = 5 * 60_000;
/** A refresh is one HTTP round trip; a lease older than this belongs to a run that died. */
const REFRESH_LEASE_MS = 30_000;

export type AccountAccess =
  | { kind: 'ready'; account: Account }
  /** Another worker is renewing these tokens right now: try again in a few seconds. */
  | { kind: 'busy' };

const contextOf = (c: Pick<Connection, 'employeeId' | 'network'>) => ({
  employeeId: c.employeeId,
  network: c.network,
});

/**
 * Social tokens at rest: sealed with the token cipher on the connection item, opened only to
 * make one call. Nothing here logs, returns through the API or audits a token.
 */
export const createCredentialStore = (tableName: string, cipher: TokenCipher) => {
  const readSealed = async (c: Connection): Promise<string | undefined> => {
    const { Item } = await dynamo().send(
      new GetCommand({
        TableName: tableName,
        Key: keys.connection(c.employeeId, c.network),
        ProjectionExpression: 'sealedCredentials',
        ConsistentRead: true,
      }),
    );
    return Item?.sealedCredentials as string | undefined;
  };

  const accountOf = async (c: Connection, sealed: string | undefined): Promise<Account> => ({
    handle: c.handle,
    audienceSize: c.audienceSize,
    accountId: c.accountId,
    instance: c.instance,
    credentials: sealed
      ? Credentials.parse(JSON.parse(await cipher.open(sealed, contextOf(c))))
      : undefined,
  });

  const store = {
    seal: (c: Pick<Connection, 'employeeId' | 'network'>, credentials: Credentials | string) =>
      cipher.seal(
        typeof credentials === 'string' ? credentials : JSON.stringify(credentials),
        contextOf(c),
      ),
    /** Opens a value sealed for this employee and network (a sign-in's PKCE verifier). */
    open: (c: Pick<Connection, 'employeeId' | 'network'>, sealed: string) =>
      cipher.open(sealed, contextOf(c)),

    /**
     * The account with tokens fit for a call: renewed first when the access token is about to
     * run out (or `force`: the network just refused it), by one caller at a time.
     */
    async forCall(
      c: Connection,
      network: NetworkAdapter,
      now: Date,
      force = false,
    ): Promise<AccountAccess> {
      const sealed = await readSealed(c);
      const account = await accountOf(c, sealed);
      const credentials = account.credentials;
      const dying =
        credentials?.expiresAt !== undefined &&
        Date.parse(credentials.expiresAt) - now.getTime() < REFRESH_AHEAD_MS;
      if (!sealed || !credentials?.refreshToken || !network.refresh || !(dying || force)) {
        return { kind: 'ready', account };
      }
      const key = keys.connection(c.employeeId, c.network);
      const leaseUntil = new Date(now.getTime() + REFRESH_LEASE_MS).toISOString();
      try {
        await dynamo().send(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'SET refreshLeaseUntil = :until',
            ConditionExpression:
              'sealedCredentials = :sealed AND (attribute_not_exists(refreshLeaseUntil) OR refreshLeaseUntil < :now)',
            ExpressionAttributeValues: {
              ':until': leaseUntil,
              ':sealed': sealed,
              ':now': now.toISOString(),
            },
          }),
        );
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
        // Someone renewed them meanwhile (use theirs), or is renewing them now (wait).
        const current = await readSealed(c);
        return current && current !== sealed
          ? { kind: 'ready', account: await accountOf(c, current) }
          : { kind: 'busy' };
      }
      let renewed: Credentials;
      try {
        renewed = await network.refresh(account);
      } catch (error) {
        await dynamo()
          .send(
            new UpdateCommand({
              TableName: tableName,
              Key: key,
              UpdateExpression: 'REMOVE refreshLeaseUntil',
              ConditionExpression: 'refreshLeaseUntil = :until',
              ExpressionAttributeValues: { ':until': leaseUntil },
            }),
          )
          .catch(() => undefined);
        throw isNetworkError(error) ? error : new Error(`refreshing ${c.network} tokens failed`);
      }
      const end = connectionEnd(renewed);
      await dynamo().send(
        new UpdateCommand({
          TableName: tableName,
          Key: key,
          UpdateExpression: `SET sealedCredentials = :sealed, refreshedAt = :now${end ? ', expiresAt = :end' : ''} REMOVE refreshLeaseUntil`,
          ConditionExpression: 'refreshLeaseUntil = :until',
          ExpressionAttributeValues: {
            ':sealed': await store.seal(c, renewed),
            ':now': now.toISOString(),
            ':until': leaseUntil,
            ...(end ? { ':end': end } : {}),
          },
        }),
      );
      logger.info('Network tokens renewed', { ...contextOf(c), until: renewed.expiresAt });
      return { kind: 'ready', account: { ...account, credentials: renewed } };
    },
  };
  return store;
};

export type CredentialStore = ReturnType<typeof createCredentialStore>;
