import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkSettings } from '#shared/networks/settings';

/**
 * The local stand-ins for the stack's KMS key and secrets, kept in the runtime's data folder: a
 * token key and a click key made on first start (readable by this user only), and the company's
 * network apps from `networks.json` if the operator wrote one.
 */
export const localTokenKey = (dataDir: string): string => {
  const file = join(dataDir, 'token-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return `local:${readFileSync(file, 'utf8').trim()}`;
};

/** The click key's root, made on first start like the token key: base64 of 32 random bytes. */
export const localClickKey = (dataDir: string): string => {
  const file = join(dataDir, 'click-key');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
};

export const localNetworkSettings = (dataDir: string): string | undefined => {
  const file = join(dataDir, 'networks.json');
  if (!existsSync(file)) return undefined;
  const parsed = NetworkSettings.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(
      `${file} is not valid network settings: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  return JSON.stringify(parsed.data);
};

/** The origins of every URL in the operator's network settings (JSON as above), for the seam. */
export const configuredOrigins = (settings: string | undefined): string[] => {
  const origins: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string') {
      const url = URL.parse(value);
      if (url && /^https?:$/.test(url.protocol)) origins.push(url.origin);
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) walk(inner);
    }
  };
  if (settings) walk(JSON.parse(settings));
  return [...new Set(origins)];
};
