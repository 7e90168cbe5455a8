import { nextPollAt } from '#shared/engagement/cadence';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event, type Publish } from '#shared/events/publisher';
import { logger } from '#shared/logger';
import type { NetworkAdapter } from '#shared/networks/network';
import type { NetworkRegistry } from '#shared/networks/registry';
import type { ShareStore } from '#shared/store/shares';

export interface PollerDependencies {
  shares: ShareStore;
  networks: NetworkRegistry;
  publish: Publish;
}

const PAGE_SIZE = 500;
const MAX_PAGES = 20;

const pollNetwork = async (
  network: NetworkAdapter,
  now: Date,
  deps: PollerDependencies,
): Promise<number> => {
  let polled = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const due = (await deps.shares.dueForPoll(network.name, now, PAGE_SIZE)).filter(
      (s) => s.externalId,
    );
    if (due.length === 0) break;
    for (let start = 0; start < due.length; start += network.metricsBatchSize) {
      const batch = due.slice(start, start + network.metricsBatchSize);
      const readings = await network.fetchMetrics(
        batch.map((s) => ({ externalId: s.externalId as string, url: s.url ?? '' })),
        now,
      );
      await Promise.all(
        batch.map((share) => {
          const reading = readings.get(share.externalId as string) ?? { kind: 'deleted' as const };
          const next = nextPollAt(new Date(share.publishedAt ?? now), now);
          return deps.shares.recordReading(
            share,
            now,
            reading.kind === 'counts'
              ? { counts: reading.counts }
              : reading.kind === 'deleted'
                ? { deleted: true }
                : { unavailable: reading.reason },
            next,
          );
        }),
      );
      polled += batch.length;
    }
    if (due.length < PAGE_SIZE) break;
  }
  return polled;
};

/** Reads engagement for every share whose next poll is due, network by network, in batches. */
export const pollEngagement = async (
  now: Date,
  deps: PollerDependencies,
): Promise<Record<string, number>> => {
  const polled: Record<string, number> = {};
  for (const network of Object.values(deps.networks).filter((n) => n !== undefined)) {
    const count = await pollNetwork(network, now, deps);
    polled[network.name] = count;
    if (count > 0) {
      await deps.publish([
        event(DETAIL_TYPES.engagementUpdated, { network: network.name, sharesPolled: count }),
      ]);
    }
  }
  logger.info('Engagement polled', { at: now.toISOString(), polled });
  return polled;
};
