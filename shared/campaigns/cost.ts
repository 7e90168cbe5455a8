import type { NetworkName } from '#shared/networks/network';

/**
 * What a network charges per post created through its API, in USD (../shared/NETWORKS.md). X is
 * pay-per-use and charges far more for a post with a URL; the others charge nothing per call.
 * Prices change: this table is the one place to update them.
 */
export const PUBLISH_PRICE_USD: Record<string, { post: number; postWithLink: number }> = {
  x: { post: 0.015, postWithLink: 0.2 },
};

/** What one post costs on a network, unrounded: a budget is spent one job at a time. */
export const pricePerPostUsd = (network: NetworkName | string, hasLink: boolean): number => {
  const price = PUBLISH_PRICE_USD[network];
  if (!price) return 0;
  return hasLink ? price.postWithLink : price.post;
};

export const publishCostUsd = (
  network: NetworkName | string,
  recipients: number,
  hasLink: boolean,
): number => {
  const price = PUBLISH_PRICE_USD[network];
  if (!price) return 0;
  return Math.round(recipients * (hasLink ? price.postWithLink : price.post) * 100) / 100;
};

/** Spending is counted per calendar month in UTC, as the networks bill. */
export const billingMonthOf = (at: string): string => at.slice(0, 7);
