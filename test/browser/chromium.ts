import { existsSync } from 'node:fs';

/** Debian's Chromium, or the one CHROMIUM_PATH names: the browser tests use no other. */
export const chromiumPath = (): string => process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const INSTALL_HINT =
  'Chromium is missing: run `apt-get install -y --no-install-recommends chromium` (as root) or set CHROMIUM_PATH to a Chromium binary.';

export const chromiumPresent = (): boolean => existsSync(chromiumPath());

/**
 * The switches the tests start Chromium with (a fresh --user-data-dir is added per launch): no
 * sandbox (containers run as root), nothing that phones home or updates itself.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
] as const;
