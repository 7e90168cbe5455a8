import type { ApiDependencies } from '#functions/api/dependencies';
import { KnownNetwork } from '#shared/networks/limits';

/** The networks this deployment can post to: the ones a text is worth rendering for. */
export const deployedNetworks = async (deps: ApiDependencies): Promise<KnownNetwork[]> => {
  const registry = await deps.networks();
  return KnownNetwork.options.filter((network) => registry[network] !== undefined);
};
