import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The console in a real browser (Debian's Chromium), against `npm start`'s runtime: sign-in
 * through the local issuer's pages with PKCE, as it goes through Cognito's in AWS.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;

const ADA = { email: 'ada.console@example.com', name: 'Ada Lovelace' };

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  const admin = await fetch(`${runtime.apiUrl}/_local/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'admin', email: 'admin.console@example.com' }),
  }).then(async (r) => ((await r.json()) as { token: string }).token);
  const created = await fetch(`${runtime.apiUrl}/employees`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify(ADA),
  });
  expect(created.status).toBe(201);
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('the console in a browser', () => {
  it('signs an employee in through the local sign-in page, and shows who they are', async () => {
    const { page } = browser;
    const first = await page.goto(`${runtime.apiUrl}/console`);
    const policy = first?.headers()['content-security-policy'] ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(first?.headers()['referrer-policy']).toBe('no-referrer');

    // The console sends the browser to the issuer's page; Ada is in the directory.
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByRole('button', { name: /Ada Lovelace/ }).click();

    await page.getByRole('heading', { name: `Welcome, ${ADA.name}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.getByRole('banner').getByText(ADA.name).isVisible()).toBe(true);
    await browser.screenshot('home-phone', PHONE);
    await browser.screenshot('home-desktop', DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('signs in again on reload without asking (tokens live in memory only)', async () => {
    const { page } = browser;
    await page.goto(`${runtime.apiUrl}/console/some/deep/link`);
    await page.getByRole('heading', { name: 'Nothing here' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/some/deep/link');
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...localStorage, ...sessionStorage })',
    );
    expect(stored).not.toMatch(/eyJ/);
    expect(browser.problems).toEqual([]);
  });

  it('signs out, and the next sign-in asks who you are again', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Home' }).click();
    await page.getByRole('heading', { name: `Welcome, ${ADA.name}` }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();

    // Someone not in the directory, with two roles, typed in.
    await page.getByLabel('Email').fill('lee.legal@example.com');
    await page.getByLabel('Name').fill('Lee Legal');
    await page.getByLabel('legal').check();
    await page.getByLabel('employee').uncheck();
    await page.getByLabel('marketing').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Lee Legal' }).waitFor();
    expect(await page.getByText('(marketing, legal)').isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
