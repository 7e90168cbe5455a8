import type { Credentials } from '#shared/networks/network';

const DAY = 86_400_000;

/** Days before the end at which the employee is warned: a later notification feature listens. */
export const NOTICE_DAYS = [10, 3] as const;

/**
 * When a connection stops working unless the employee reconnects. A refreshable token lives as
 * long as its refresh token (unknown: as long as it keeps being used); one that cannot be
 * refreshed lives as long as the access token (LinkedIn without partner refresh: 60 days).
 */
export const connectionEnd = (credentials: Credentials): string | undefined =>
  credentials.refreshToken ? credentials.refreshExpiresAt : credentials.expiresAt;

export type ConnectionNotice =
  | { kind: 'expiring'; daysLeft: (typeof NOTICE_DAYS)[number]; at: Date }
  | { kind: 'expired'; at: Date };

/** The next notice due for a connection ending at `end`, after those already given (`given`). */
export const nextNotice = (
  end: string | undefined,
  given: number,
): ConnectionNotice | undefined => {
  if (!end) return undefined;
  const endAt = Date.parse(end);
  const notices: ConnectionNotice[] = [
    ...NOTICE_DAYS.map(
      (daysLeft): ConnectionNotice => ({
        kind: 'expiring',
        daysLeft,
        at: new Date(endAt - daysLeft * DAY),
      }),
    ),
    { kind: 'expired', at: new Date(endAt) },
  ];
  return notices[given];
};

/**
 * How many notices a connection ending at `end` should count as given at `now`: a connection
 * made 5 days before its end is not warned "10 days left" after the fact.
 */
export const noticesPassed = (end: string | undefined, now: Date): number => {
  let given = 0;
  for (let notice = nextNotice(end, 0); notice; notice = nextNotice(end, given)) {
    // The last notice (expiry) is never skipped: it is what marks the connection expired.
    if (notice.kind === 'expired' || notice.at > now) break;
    given += 1;
  }
  return given;
};
