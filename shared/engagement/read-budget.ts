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
