/**
 * `npm test`'s pretest step: the browser tests need Chromium, and never skip without it. Where
 * it is missing and Debian's apt-get may be used (as root), Debian's package is installed;
 * otherwise this fails with one line saying how to get it.
 */
import { spawnSync } from 'node:child_process';
import { chromiumPath, chromiumPresent, INSTALL_HINT } from './chromium';

const aptUsable = () =>
  process.platform === 'linux' &&
  process.getuid?.() === 0 &&
  !process.env.CHROMIUM_PATH &&
  spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;

if (!chromiumPresent()) {
  if (!aptUsable()) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  console.error('Chromium is missing: installing Debian’s package (about a minute)…');
  const run = (args: string[]) =>
    spawnSync('apt-get', args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    }).status === 0;
  if (!run(['update']) || !run(['install', '-y', '--no-install-recommends', 'chromium'])) {
    console.error(INSTALL_HINT);
    process.exit(1);
  }
  if (!chromiumPresent()) {
    console.error(`${INSTALL_HINT} (apt-get installed it, but not at ${chromiumPath()})`);
    process.exit(1);
  }
}
