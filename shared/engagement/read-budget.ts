import type { NetworkName } from '#shared/networks/network';

/**
 * How many engagement reads each network lets this app make, shared by every poller that runs.
 * Set below each network's documented limit, so publishing and reconnects keep their headroom:
 * X post lookup allows 450 app requests per 15 minutes, Bluesky's public AppView about 3,000 per
 * 5 minutes per IP, Mastodon 300 per 5 minutes per IP and instance. LinkedIn gives no reads.
 */
export interface ReadBudget {
  calls: number;
  windowSeconds: number;
}

export const READ_BUDGETS: Record<NetworkName, ReadBudget> = {
  linkedin: { calls: 0, windowSeconds: 900 },
  x: { calls: 300, windowSeconds: 900 },
  bluesky: { calls: 1500, windowSeconds: 300 },
  mastodon: { calls: 200, windowSeconds: 300 },
  sandbox: { calls: 5000, windowSeconds: 60 },
};

/** The start of the fixed window `at` falls in: every poller agrees on it without talking. */
export const windowStart = (at: Date, budget: ReadBudget): Date =>
  new Date(Math.floor(at.getTime() / (budget.windowSeconds * 1000)) * budget.windowSeconds * 1000);

/**
 * However long a network asks us to wait (a 429 and its reset header), a read block lasts at most
 * this long: a wrong or hostile header (`X-RateLimit-Reset: 2099-01-01`) must not stop reading for
 * years. A network still limiting after it answers 429 again, and is blocked again.
 */
export const MAX_READ_BLOCK_SECONDS = 3_600;
/** How long a 429 without a usable wait blocks reads. */
const DEFAULT_READ_BLOCK_SECONDS = 900;
/**
 * A share whose read failed (a 5xx, a timeout) is read again this much later: behind the shares
 * due before then, so one failing server never keeps its shares first in line.
 */
export const FAILED_READ_RETRY_SECONDS = 300;

/** Until when a 429 blocks reads: what the network asked, within the cap. */
export const readBlockEnd = (now: Date, retryAfterSeconds: number | undefined): Date => {
  const asked = retryAfterSeconds ?? DEFAULT_READ_BLOCK_SECONDS;
  const seconds = Math.min(Math.max(asked, 1), MAX_READ_BLOCK_SECONDS);
  return new Date(now.getTime() + seconds * 1000);
};

/**
 * What a read budget, block and lease belong to: the network's one API, or one server of a
 * federated network (a Mastodon instance), which has its own limits and its own outages.
 */
export const readScope = (network: string, host: string | undefined): string =>
  host ? `${network}@${host}` : network;
