import { nextNotice } from '#shared/employees/connection-lifetime';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { EmployeeStore } from '#shared/store/employees';

export interface ConnectionNoticeDependencies {
  employees: EmployeeStore;
}

const PAGE_SIZE = 100;
const MAX_PAGES = 10;

/**
 * Connections whose tokens cannot be renewed past a date: 10 and 3 days before it the connection
 * becomes `expiring` and `ConnectionExpiring` is announced (a notification feature can warn the
 * employee); at the date it becomes `expired`, `ConnectionExpired` is announced, and shares for
 * it fail `reconnect_needed` until the employee connects again.
 */
export const noticeExpiringConnections = async (
  now: Date,
  deps: ConnectionNoticeDependencies,
): Promise<number> => {
  let announced = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = await deps.employees.dueNotices(now, PAGE_SIZE);
    for (const { connection, given, noticeKey } of due) {
      const notice = nextNotice(connection.expiresAt, given);
      const following = nextNotice(connection.expiresAt, given + 1);
      const { employeeId, network } = connection;
      const status = notice?.kind === 'expired' ? 'expired' : 'expiring';
      const reason =
        notice?.kind === 'expiring'
          ? `${notice.daysLeft} days before the token stops working`
          : 'the token stopped working';
      // The notice, the connection's new status and the event are one transaction.
      const gave = await deps.employees.giveNotice({
        connection,
        noticeKey,
        given: given + 1,
        next: following?.at,
        status,
        reason,
        at: now,
        actor: 'system:dispatcher',
        events: [
          notice?.kind === 'expiring'
            ? event(DETAIL_TYPES.connectionExpiring, {
                employeeId,
                network,
                daysLeft: notice.daysLeft,
                expiresAt: connection.expiresAt ?? now.toISOString(),
              })
            : event(DETAIL_TYPES.connectionExpired, { employeeId, network }),
        ],
      });
      if (gave) announced += 1;
    }
    if (due.length < PAGE_SIZE) break;
  }
  if (announced > 0) logger.info('Connection expiry notices given', { announced });
  return announced;
};
