/**
 * The single-table key layout, in one place. gsi1 and gsi2 are sparse: an item carries their
 * keys only while it must be found through them.
 *
 * | item              | pk                     | sk                          | gsi1                                  | gsi2                              |
 * |-------------------|------------------------|-----------------------------|---------------------------------------|-----------------------------------|
 * | post              | POST#id                | POST                        |                                       |                                   |
 * | campaign          | CAMPAIGN#id            | CAMPAIGN                    | CAMPAIGNS_DUE / scheduledAt#id (while scheduled) |                         |
 * | employee          | EMPLOYEE#id            | PROFILE                     |                                       |                                   |
 * | connection        | EMPLOYEE#id            | CONNECTION#network          |                                       |                                   |
 * | opt-in            | SEGMENT#segment        | OPTIN#employeeId#network    |                                       |                                   |
 * | share             | SHARE#id               | SHARE                       | POST#postId#SHARES / shareId          | POLL#network / nextPollAt#id (while polled) |
 * | snapshot          | SHARE#id               | SNAPSHOT#iso time           |                                       |                                   |
 * | sandbox post      | SANDBOX#externalId     | SANDBOX_POST                |                                       |                                   |
 */
export const keys = {
  post: (postId: string) => ({ pk: `POST#${postId}`, sk: 'POST' }),
  campaign: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: 'CAMPAIGN' }),
  campaignsDue: 'CAMPAIGNS_DUE',
  employee: (employeeId: string) => ({ pk: `EMPLOYEE#${employeeId}`, sk: 'PROFILE' }),
  connection: (employeeId: string, network: string) => ({
    pk: `EMPLOYEE#${employeeId}`,
    sk: `CONNECTION#${network}`,
  }),
  connectionPrefix: 'CONNECTION#',
  optIn: (segment: string, employeeId: string, network: string) => ({
    pk: `SEGMENT#${segment}`,
    sk: `OPTIN#${employeeId}#${network}`,
  }),
  optInsOf: (segment: string) => ({ pk: `SEGMENT#${segment}`, skPrefix: 'OPTIN#' }),
  share: (shareId: string) => ({ pk: `SHARE#${shareId}`, sk: 'SHARE' }),
  sharesOfPost: (postId: string) => `POST#${postId}#SHARES`,
  pollQueue: (network: string) => `POLL#${network}`,
  snapshot: (shareId: string, at: string) => ({ pk: `SHARE#${shareId}`, sk: `SNAPSHOT#${at}` }),
  sandboxPost: (externalId: string) => ({ pk: `SANDBOX#${externalId}`, sk: 'SANDBOX_POST' }),
} as const;

/** Strips the key attributes so stored items parse as plain domain objects. */
export const withoutKeys = <T extends Record<string, unknown>>(item: T): Omit<T, KeyAttribute> => {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest;
};

type KeyAttribute = 'pk' | 'sk' | 'gsi1pk' | 'gsi1sk' | 'gsi2pk' | 'gsi2sk';
