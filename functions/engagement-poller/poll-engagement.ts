import { randomUUID } from 'node:crypto';
import type { Connection } from '#shared/employees/employee';
import { nextPollFor } from '#shared/engagement/cadence';
import type { EngagementPolicy } from '#shared/engagement/policy';
import { READ_BUDGETS } from '#shared/engagement/read-budget';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import { isNetworkError } from '#shared/networks/errors';
import type { MetricsReading, NetworkAdapter } from '#shared/networks/network';
import type { NetworkRegistry } from '#shared/networks/registry';
import { pointsForReading } from '#shared/recognition/points';
import type { RecognitionPolicy } from '#shared/recognition/policy';
import type { Share } from '#shared/shares/share';
import type { EmployeeStore } from '#shared/store/employees';
import type { LinkStore } from '#shared/store/links';
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
  publish: Publish;
  /** Points a reading earns its sharer, written in the reading's own transaction. */
  recognition?: Pick<RecognitionStore, 'awardItems'> & { policy: () => Promise<RecognitionPolicy> };
}

export interface NetworkPollRun {
  /** Shares whose reading this run recorded. */
  polled: number;
  /** Shares whose connection is not working: their reading moved, no call made for them. */
  postponed: number;
  /** Sharers whose audience this run read anew. */
  audiences: number;
  /** Calls made to the network. */
  calls: number;
  /** Why the run left shares due for the next one. */
  stopped?: 'blocked' | 'budget_spent' | 'rate_limited' | 'network_error' | 'another_poller';
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

/** One call to the network within the shared budget; a refusal says why the run stops here. */
const withinBudget = async <T>(
  network: NetworkAdapter,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
  call: () => Promise<T>,
): Promise<T | undefined> => {
  if (!(await deps.readBudget.take(network.name, now, READ_BUDGETS[network.name]))) {
    run.stopped = 'budget_spent';
    return undefined;
  }
  run.calls += 1;
  try {
    return await call();
  } catch (error) {
    if (!isNetworkError(error)) throw error;
    if (error.kind === 'rate_limited') {
      const waitMs = (error.details.retryAfterSeconds ?? 900) * 1000;
      await deps.readBudget.block(network.name, new Date(now.getTime() + waitMs));
      run.stopped = 'rate_limited';
    } else run.stopped = 'network_error';
    // Nothing is recorded for this call: what it was for stays due and the next run catches up.
    logger.warn('Engagement read stopped', {
      network: network.name,
      kind: error.kind,
      status: error.details.status,
    });
    return undefined;
  }
};

const readBatch = async (
  network: NetworkAdapter,
  batch: readonly Share[],
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
  return withinBudget(network, now, deps, run, () =>
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
  for (let start = 0; start < stale.length && !run.stopped; start += network.metricsBatchSize) {
    const batch = stale.slice(start, start + network.metricsBatchSize);
    const refs = batch.map((c) => ({ accountId: c.accountId ?? '', instance: c.instance }));
    const audiences = await withinBudget(network, now, deps, run, () => fetchAudiences(refs, now));
    if (!audiences) return;
    const refreshed = await Promise.all(
      batch.map(async (c) => {
        const size = audiences.get(c.accountId ?? '');
        return size !== undefined && deps.employees.refreshAudience(c, size, now);
      }),
    );
    run.audiences += refreshed.filter(Boolean).length;
  }
};

/** Longer than the poller's 120-second timeout: a lease outlives only a poller that died. */
const LEASE_MS = 150_000;

const pollNetwork = async (
  network: NetworkAdapter,
  policy: EngagementPolicy,
  rules: RecognitionPolicy | undefined,
  now: Date,
  deps: PollerDependencies,
): Promise<NetworkPollRun> => {
  const run: NetworkPollRun = { polled: 0, postponed: 0, audiences: 0, calls: 0 };
  if (await deps.readBudget.blockedUntil(network.name, now)) return { ...run, stopped: 'blocked' };
  const owner = randomUUID();
  if (!(await deps.readBudget.lease(network.name, owner, now, LEASE_MS))) {
    return { ...run, stopped: 'another_poller' };
  }
  try {
    return await readDue(network, policy, rules, now, deps, run);
  } finally {
    await deps.readBudget.release(network.name, owner);
  }
};

const readDue = async (
  network: NetworkAdapter,
  policy: EngagementPolicy,
  rules: RecognitionPolicy | undefined,
  now: Date,
  deps: PollerDependencies,
  run: NetworkPollRun,
): Promise<NetworkPollRun> => {
  const next = (share: Share) =>
    nextPollFor(policy, network.name, new Date(share.publishedAt ?? now), now);
  for (let page = 0; page < MAX_PAGES && !run.stopped; page++) {
    const due = await deps.shares.dueForPoll(network.name, now, PAGE_SIZE);
    if (due.length === 0) break;
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
    for (
      let start = 0;
      start < readable.length && !run.stopped;
      start += network.metricsBatchSize
    ) {
      const batch = readable.slice(start, start + network.metricsBatchSize);
      const readings = await readBatch(network, batch, now, deps, run);
      if (!readings) break;
      const recorded = await Promise.all(
        batch.map(async (share) => {
          // A post missing from a batch answer is gone from the network (Bluesky, Mastodon, X).
          const reading = readings.get(share.externalId ?? '') ?? { kind: 'deleted' as const };
          const shareClicks = clicks.get(share.shareId);
          const keepReading =
            reading.kind === 'counts' ||
            (reading.kind === 'unavailable' && shareClicks !== undefined);
          const entry = rules && pointsForReading(share, reading, shareClicks, now, rules);
          const earned = entry ? (deps.recognition?.awardItems(entry) ?? []) : [];
          return deps.shares.recordReading(
            share,
            now,
            reading,
            shareClicks,
            keepReading ? next(share) : null,
            earned,
          );
        }),
      );
      run.polled += recorded.filter(Boolean).length;
    }
    if (!run.stopped) await refreshAudiences(network, [...connections.values()], now, deps, run);
    if (due.length < PAGE_SIZE) break;
  }
  return run;
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
    if (run.polled > 0) {
      await deps.publish([
        event(DETAIL_TYPES.engagementUpdated, { network: network.name, sharesPolled: run.polled }),
      ]);
    }
  }
  logger.info('Engagement polled', { at: now.toISOString(), runs });
  return runs;
};
