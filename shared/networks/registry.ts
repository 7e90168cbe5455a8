import type { NetworkAdapter, NetworkName } from '#shared/networks/network';
import { createSandboxNetwork } from '#shared/networks/sandbox';

export type NetworkRegistry = Readonly<Record<NetworkName, NetworkAdapter>>;

/** Every adapter Chorus can publish through, keyed by network name. */
export const createNetworkRegistry = (tableName: string): NetworkRegistry => ({
  sandbox: createSandboxNetwork(tableName),
});
