import {
  type Hold,
  type HoldReason,
  openReadScopes,
  type ReadScopes,
} from '#functions/engagement-poller/read-scopes';
import type { Connection } from '#shared/employees/employee';
import { nextPollFor } from '#shared/engagement/cadence';
import type { EngagementPolicy } from '#shared/engagement/policy';
import {
  FAILED_READ_RETRY_SECONDS,
  READ_BUDGETS,
  readBlockEnd,
  windowStart,
} from '#shared/engagement/read-budget';
import { logger } from '#shared/logger';
import { isNetworkError } from '#shared/networks/errors';
import type { MetricsReading, NetworkAdapter } from '#shared/networks/network';
import type { NetworkRegistry } from '#shared/networks/registry';
import { pointsForReading } from '#shared/recognition/points';
import type { RecognitionPolicy } from '#shared/recognition/policy';
import type { Share } from '#shared/shares/share';
import type { EmployeeStore } from '#shared/store/employees';
import type { LinkStore } from '#shared/store/links';
import type { PollRunStore } from '#shared/store/poll-runs';
import type { ReadBudgetStore } from '#shared/store/read-budget';
import type { RecognitionStore } from '#shared/store/recognition';
import type { ShareStore } from '#shared/store/shares';

export interface PollerDependencies {
  shares: ShareStore;
  employees: Pick<EmployeeStore, 'connectionsOn' | 'refreshAudience'>;
  links: Pick<LinkStore, 'clicksOf'>;
  readBudget: ReadBudgetStore;
  engagementPolicy: () => Promise<EngagementPolicy>;
  networks: NetworkRegistry;
  /** Where a run that read anything is put on record, with its EngagementUpdated. */
  runs: Pick<PollRunStore, 'finished'>;
  /** Points a reading earns its sharer, written in the reading's own transaction. */
  recognition?: Pick<RecognitionStore, 'awardItems'> & { policy: () => Promise<RecognitionPolicy> };
}

export interface NetworkPollRun {
  /** Shares whose reading this run recorded. */
  polled: number;
  /**
   * Shares whose reading moved on with no reading made: their connection is not working, or
   * their server (a Mastodon instance) failed, is blocked or spent its budget in this run.
   */
  postponed: number;
  /** Sharers whose audience this run read anew. */
  audiences: number;
  /** Calls made to the network. */
  calls: number;
  /** Why the run left the network's shares due for the next one. */
  stopped?: HoldReason;
  /** Servers of a federated network this run read no more from, and why; the others were read. */
  held?: Record<string, HoldReason>;
}

const PAGE_SIZE = 500;
const MAX_PAGES = 20;
/** A share whose connection expired is looked at again this much later, in case it came back. */
const POSTPONE_MS = 6 * 3_600_000;
/** How old a sharer's audience may be before the poller reads it again. */
const AUDIENCE_REFRESH_MS = 24 * 3_600_000;

/** Whether the sharer's connection still works: a removed or expired one is not read for. */
const working = (
  connection: { status: string; expiresAt?: string | undefined } | undefined,
  now: Date,
) =>
  connection !== undefined &&
  (connection.status === 'active' || connection.status === 'expiring') &&
  (!connection.expiresAt || new Date(connection.expiresAt) > now);

/** What a failed call means for its scope: until when it is held, and why. */
const holdFor = async (
  error: unknown,
  scope: string,
  now: Date,
  deps: PollerDependencies,
): Promise<Hold> => {
  if (!isNetworkError(error)) throw error;
  if (error.kind !== 'rate_limited') {
    return {
      reason: 'network_error',
      retryAt: new Date(now.getTime() + FAILED_READ_RETRY_SECONDS * 1000),
    };
  }
  const until = readBlockEnd(now, error.details.retryAfterSeconds);
  await deps.readBudget.block(scope, until, now);
  return { reason: 'rate_limited', retryAt: until };
};

/**
 * One call to `host` (undefined: the network's one API) within its shared budget; undefined when
 * refused or failed, and the scope is then held for the rest of the run. A hold of the network's
 * own scope stops the run; a server's holds only that server.
 */
const withinBudget = async <T>(
  network: NetworkAdapter,
  host: string | undefined,
  scopes: ReadScopes,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
  call: () => Promise<T>,
): Promise<T | undefined> => {
  const budget = READ_BUDGETS[network.name];
  const scope = scopes.scopeOf(host);
  let hold: Hold;
  if (!(await deps.readBudget.take(scope, now, budget))) {
    const windowEnd = windowStart(now, budget).getTime() + budget.windowSeconds * 1000;
    hold = { reason: 'budget_spent', retryAt: new Date(windowEnd) };
  } else {
    run.calls += 1;
    try {
      return await call();
    } catch (error) {
      hold = await holdFor(error, scope, now, deps);
      // Nothing is recorded for this call: what it was for is read again from `retryAt` on.
      logger.warn('Engagement read stopped', {
        network: network.name,
        host,
        kind: isNetworkError(error) ? error.kind : undefined,
        status: isNetworkError(error) ? error.details.status : undefined,
      });
    }
  }
  scopes.hold(host, hold);
  if (host === undefined) run.stopped = hold.reason;
  return undefined;
};

/** Items by the server a read of each goes to (undefined: the network's one API). */
const byHost = <T>(
  network: NetworkAdapter,
  items: readonly T[],
  where: (item: T) => string | undefined,
): Map<string | undefined, T[]> => {
  const groups = new Map<string | undefined, T[]>();
  for (const item of items) {
    const host = network.readHost?.(where(item));
    groups.set(host, [...(groups.get(host) ?? []), item]);
  }
  return groups;
};

const readBatch = async (
  network: NetworkAdapter,
  host: string | undefined,
  batch: readonly Share[],
  scopes: ReadScopes,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
): Promise<Map<string, MetricsReading> | undefined> => {
  const unavailable = network.engagementUnavailable?.();
  if (unavailable) {
    return new Map(
      batch.map((s) => [s.externalId ?? '', { kind: 'unavailable', reason: unavailable }]),
    );
  }
  return withinBudget(network, host, scopes, now, deps, run, () =>
    network.fetchMetrics(
      batch.map((s) => ({ externalId: s.externalId ?? '', url: s.url ?? '' })),
      now,
    ),
  );
};

/**
 * Reads today's audience of the sharers whose posts this run read, where the network tells it, at
 * most once a day each: a share records its sharer's audience when it is made, so the next share's
 * potential reach counts the followers they have then, not those they had on connecting.
 */
const refreshAudiences = async (
  network: NetworkAdapter,
  connections: readonly Connection[],
  scopes: ReadScopes,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
) => {
  const fetchAudiences = network.fetchAudiences?.bind(network);
  if (!fetchAudiences) return;
  const stale = connections.filter(
    (c) =>
      c.accountId !== undefined &&
      working(c, now) &&
      Date.parse(c.audienceCheckedAt ?? c.connectedAt) <= now.getTime() - AUDIENCE_REFRESH_MS,
  );
  for (const [host, onHost] of byHost(network, stale, (c) => c.instance)) {
    for (let start = 0; start < onHost.length; start += network.metricsBatchSize) {
      if (run.stopped || (await scopes.open(host))) break;
      const batch = onHost.slice(start, start + network.metricsBatchSize);
      const refs = batch.map((c) => ({ accountId: c.accountId ?? '', instance: c.instance }));
      const audiences = await withinBudget(network, host, scopes, now, deps, run, () =>
        fetchAudiences(refs, now),
      );
      if (!audiences) break;
      const refreshed = await Promise.all(
        batch.map(async (c) => {
          const size = audiences.get(c.accountId ?? '');
          return size !== undefined && deps.employees.refreshAudience(c, size, now);
        }),
      );
      run.audiences += refreshed.filter(Boolean).length;
    }
  }
};

const pollNetwork = async (
  network: NetworkAdapter,
  policy: EngagementPolicy,
  rules: RecognitionPolicy | undefined,
  now: Date,
  deps: PollerDependencies,
): Promise<NetworkPollRun> => {
  const run: NetworkPollRun = { polled: 0, postponed: 0, audiences: 0, calls: 0 };
  const scopes = openReadScopes(network, now, deps.readBudget);
  try {
    // A network with one API is opened before anything is read: blocked or leased elsewhere, the
    // run ends here. A federated network's servers are opened as their shares come up.
    const held = network.readHost ? undefined : await scopes.open(undefined);
    if (held) return { ...run, stopped: held.reason };
    await readDue(network, policy, rules, scopes, now, deps, run);
    const hosts = scopes.heldHosts();
    return Object.keys(hosts).length > 0 ? { ...run, held: hosts } : run;
  } finally {
    await scopes.release();
  }
};

/** Moves shares that could not be read on to `retryAt`, behind what is due before then. */
const moveOn = async (
  shares: readonly Share[],
  retryAt: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
) => {
  const moved = await Promise.all(shares.map((share) => deps.shares.postponePoll(share, retryAt)));
  run.postponed += moved.filter(Boolean).length;
};

/** Reads one server's due shares (undefined: the network's one API) in batches. */
const readHost = async (
  network: NetworkAdapter,
  host: string | undefined,
  onHost: readonly Share[],
  record: (batch: readonly Share[], readings: Map<string, MetricsReading>) => Promise<void>,
  scopes: ReadScopes,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
) => {
  for (let start = 0; start < onHost.length && !run.stopped; start += network.metricsBatchSize) {
    const opened = await scopes.open(host);
    const batch = opened ? [] : onHost.slice(start, start + network.metricsBatchSize);
    const readings = opened
      ? undefined
      : await readBatch(network, host, batch, scopes, now, deps, run);
    if (readings) {
      await record(batch, readings);
      continue;
    }
    const hold = opened ?? (await scopes.open(host));
    if (host === undefined && !run.stopped && hold) run.stopped = hold.reason;
    if (hold?.retryAt) {
      // The network's one API: the failed batch moves on, the rest waits with the run stopped.
      // A server: all its shares in this page move on, or a server that keeps failing would stay
      // first in line and fill every page.
      const failed = host === undefined ? batch : onHost.slice(start);
      await moveOn(failed, hold.retryAt, deps, run);
    }
    return;
  }
};

const readDue = async (
  network: NetworkAdapter,
  policy: EngagementPolicy,
  rules: RecognitionPolicy | undefined,
  scopes: ReadScopes,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
): Promise<void> => {
  const next = (share: Share) =>
    nextPollFor(policy, network.name, new Date(share.publishedAt ?? now), now);
  for (let page = 0; page < MAX_PAGES && !run.stopped; page++) {
    const due = await deps.shares.dueForPoll(network.name, now, PAGE_SIZE);
    if (due.length === 0) break;
    const progress = run.polled + run.postponed;
    const connections = await deps.employees.connectionsOn(
      network.name,
      due.map((s) => s.employeeId),
    );
    const readable: Share[] = [];
    await Promise.all(
      due.map(async (share) => {
        if (working(connections.get(share.employeeId), now)) readable.push(share);
        else {
          const later = next(share) && new Date(now.getTime() + POSTPONE_MS);
          if (await deps.shares.postponePoll(share, later)) run.postponed += 1;
        }
      }),
    );
    const clicks = await deps.links.clicksOf(readable.map((s) => s.shareId));
    const record = async (batch: readonly Share[], readings: Map<string, MetricsReading>) => {
      // One person's readings one after another: their points land on the same counters, each
      // written on the condition that it still holds what the award read.
      const byPerson = new Map<string, Share[]>();
      for (const share of batch) {
        byPerson.set(share.employeeId, [...(byPerson.get(share.employeeId) ?? []), share]);
      }
      const recordOne = async (share: Share) => {
        // A post missing from a batch answer is gone from the network (Bluesky, Mastodon, X).
        const reading = readings.get(share.externalId ?? '') ?? { kind: 'deleted' as const };
        const shareClicks = clicks.get(share.shareId);
        const keepReading =
          reading.kind === 'counts' ||
          (reading.kind === 'unavailable' && shareClicks !== undefined);
        const entry = rules && pointsForReading(share, reading, shareClicks, now, rules);
        const earned = entry ? ((await deps.recognition?.awardItems(entry)) ?? []) : [];
        return deps.shares.recordReading(
          share,
          now,
          reading,
          shareClicks,
          keepReading ? next(share) : null,
          earned,
        );
      };
      const recorded = await Promise.all(
        [...byPerson.values()].map(async (theirs) => {
          const done: boolean[] = [];
          for (const share of theirs) done.push(await recordOne(share));
          return done;
        }),
      );
      run.polled += recorded.flat().filter(Boolean).length;
    };
    for (const [host, onHost] of byHost(network, readable, (s) => s.url)) {
      await readHost(network, host, onHost, record, scopes, now, deps, run);
    }
    if (!run.stopped) {
      await refreshAudiences(network, [...connections.values()], scopes, now, deps, run);
    }
    // A full page that moved nothing (its servers leased by another poller) would come back as is.
    if (due.length < PAGE_SIZE || run.polled + run.postponed === progress) break;
  }
};

/**
 * Reads engagement for every share whose next reading is due, network by network, in the largest
 * batches each network allows and within the read budget all pollers share.
 */
export const pollEngagement = async (
  now: Date,
  deps: PollerDependencies,
): Promise<Record<string, NetworkPollRun>> => {
  const [policy, rules] = await Promise.all([deps.engagementPolicy(), deps.recognition?.policy()]);
  const runs: Record<string, NetworkPollRun> = {};
  for (const network of Object.values(deps.networks).filter((n) => n !== undefined)) {
    const run = await pollNetwork(network, policy, rules, now, deps);
    runs[network.name] = run;
    if (run.polled > 0) await deps.runs.finished(network.name, run.polled, now);
  }
  logger.info('Engagement polled', { at: now.toISOString(), runs });
  return runs;
};
