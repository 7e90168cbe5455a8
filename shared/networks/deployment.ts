import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { createNetworkRegistry, type NetworkRegistry } from '#shared/networks/registry';
import { NetworkSettings, noNetworkSettings } from '#shared/networks/settings';
import { processOutboundClient } from '#shared/outbound/local-seam';
import { type TokenCipher, tokenCipherFrom } from '#shared/secrets/token-cipher';
import { createInstanceAppStore } from '#shared/store/instance-apps';

/** Settings are re-read at most every five minutes, so an operator's change arrives without a deploy. */
const SETTINGS_MAX_AGE_SECONDS = 300;

/**
 * The company's network apps, from where this deployment keeps them: a Secrets Manager secret
 * (`NETWORK_SETTINGS_SECRET`, set by the stack) in the cloud, `NETWORK_SETTINGS` (JSON) in the
 * local runtime, nothing at all otherwise (then only Bluesky, Mastodon and the sandbox).
 */
export const loadNetworkSettings = async (
  env: NodeJS.ProcessEnv = process.env,
): Promise<NetworkSettings> => {
  let raw: unknown;
  if (env.NETWORK_SETTINGS_SECRET) {
    raw = await getSecret(env.NETWORK_SETTINGS_SECRET, {
      maxAge: SETTINGS_MAX_AGE_SECONDS,
      transform: 'json',
    });
  } else if (env.NETWORK_SETTINGS) {
    raw = JSON.parse(env.NETWORK_SETTINGS);
  } else {
    return noNetworkSettings();
  }
  const parsed = NetworkSettings.safeParse(raw ?? {});
  if (!parsed.success) {
    // Name the fields, never the values: they are secrets.
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`The network settings are invalid at: ${fields}`);
  }
  return parsed.data;
};

export interface DeployedNetworks {
  cipher: TokenCipher;
  /** The registry for the settings in force; rebuilt only when they change. */
  registry(): Promise<NetworkRegistry>;
}

/** The networks as a function's environment sets them up (`TOKEN_KEY`, settings). */
export const deployedNetworks = (
  tableName: string,
  tokenKey: string | undefined,
): DeployedNetworks => {
  const cipher = tokenCipherFrom(tokenKey);
  const instanceApps = createInstanceAppStore(tableName, cipher);
  let built: { key: string; registry: NetworkRegistry } | undefined;
  return {
    cipher,
    async registry() {
      const settings = await loadNetworkSettings();
      const key = JSON.stringify(settings);
      if (built?.key !== key) {
        built = {
          key,
          registry: createNetworkRegistry(tableName, {
            settings,
            instanceApps,
            outbound: processOutboundClient(),
          }),
        };
      }
      return built.registry;
    },
  };
};
