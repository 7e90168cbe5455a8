import { createBlueskyNetwork } from '#shared/networks/bluesky';
import { createLinkedInNetwork } from '#shared/networks/linkedin';
import { createMastodonNetwork, type InstanceApps } from '#shared/networks/mastodon';
import type { NetworkAdapter, NetworkName } from '#shared/networks/network';
import { createSandboxNetwork, type SandboxOptions } from '#shared/networks/sandbox';
import { type NetworkSettings, noNetworkSettings } from '#shared/networks/settings';
import { createXNetwork } from '#shared/networks/x';
import { createOutboundClient, type OutboundClient } from '#shared/outbound/client';

/** The networks this deployment can publish through: LinkedIn and X only once their apps are set. */
export type NetworkRegistry = Readonly<Partial<Record<NetworkName, NetworkAdapter>>>;

export interface RegistryOptions {
  settings?: NetworkSettings;
  /** Where Mastodon registrations are kept; without it, Mastodon is not offered. */
  instanceApps?: InstanceApps;
  /**
   * The client every adapter calls through; the strict one unless tests or the local runtime
   * pass one with a seam, in code.
   */
  outbound?: OutboundClient;
  sandbox?: SandboxOptions;
  now?: () => Date;
}

/** Every adapter Chorus can publish through, keyed by network name. */
export const createNetworkRegistry = (
  tableName: string,
  options: RegistryOptions = {},
): NetworkRegistry => {
  const settings = options.settings ?? noNetworkSettings();
  const now = options.now ?? (() => new Date());
  const outbound = options.outbound ?? createOutboundClient();
  return {
    sandbox: createSandboxNetwork(tableName, options.sandbox),
    bluesky: createBlueskyNetwork(settings.bluesky, outbound),
    ...(settings.linkedin
      ? { linkedin: createLinkedInNetwork(settings.linkedin, now, outbound) }
      : {}),
    ...(settings.x ? { x: createXNetwork(settings.x, now, outbound) } : {}),
    ...(options.instanceApps
      ? {
          mastodon: createMastodonNetwork(settings.mastodon, options.instanceApps, outbound),
        }
      : {}),
  };
};
