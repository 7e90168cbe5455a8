import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { REPO_ROOT } from '#infra/chorus-function';
import { CHROMIUM_FLAGS, chromiumPath, chromiumPresent, INSTALL_HINT } from './chromium';

/** Screenshots the browser tests take, kept as artefacts (gitignored). */
export const ARTEFACTS = join(REPO_ROOT, 'test-artifacts', 'console');

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1280, height: 800 } as const;

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors, console errors and Content-Security-Policy violations, as they came. */
  problems: string[];
  /** The problems so far, forgotten once read (a test that causes some expects exactly those). */
  takeProblems(): string[];
  screenshot(name: string, size: { width: number; height: number }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Debian's Chromium with a fresh profile, one page, and every page error, console error and CSP
 * violation collected so a test can fail on them. Never skips: no Chromium is a failure.
 */
export const openBrowser = async (): Promise<TestBrowser> => {
  if (!chromiumPresent()) throw new Error(INSTALL_HINT);
  const profile = mkdtempSync(join(tmpdir(), 'chorus-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_FLAGS],
    viewport: PHONE,
  });
  const problems: string[] = [];
  // Runs before the page's own scripts (outside its CSP): reports what the policy refused.
  await context.addInitScript({
    content: `addEventListener('securitypolicyviolation', (event) => {
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + event.blockedURI);
    });`,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  mkdirSync(ARTEFACTS, { recursive: true });
  return {
    context,
    page,
    problems,
    takeProblems: () => problems.splice(0),
    async screenshot(name, size) {
      await page.setViewportSize(size);
      await page.screenshot({ path: join(ARTEFACTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
};
