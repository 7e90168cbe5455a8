import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The console in a real browser (Debian's Chromium), against `npm start`'s runtime: sign-in
 * through the local issuer's pages with PKCE, as it goes through Cognito's in AWS.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;

const ADA = { email: 'ada.console@example.com', name: 'Ada Lovelace' };
const POST_TITLE = 'Our new office opens';

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  const people = scenario(runtime.apiUrl);
  await people.employee(ADA);
  await people.suggestedPost(POST_TITLE, 'We open our new Berlin office today. Come and see us!');
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

    // An employee starts on their feed; the banner says who is signed in.
    await page.getByRole('heading', { name: 'Your feed' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console');
    expect(await page.getByRole('banner').getByText(ADA.name).isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('shows the feed: each suggested post with a one-click Share per network, and what the share did', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Feed' }).click();
    const post = page.getByRole('article', { name: POST_TITLE });
    await post.waitFor();
    expect(await post.getByRole('list', { name: 'Topics' }).getByText('news').isVisible()).toBe(
      true,
    );
    await browser.screenshot('feed-phone', PHONE);
    await browser.screenshot('feed-desktop', DESKTOP);
    await page.setViewportSize(PHONE);

    await post.getByRole('button', { name: 'Share on Sandbox' }).click();
    await post
      .getByRole('status')
      .getByText(/On its way/)
      .waitFor();
    // Shared once: no second button; once the worker has it, the feed says so.
    expect(await post.getByRole('button', { name: 'Share on Sandbox' }).count()).toBe(0);
    const sharedLine = post.getByText(/Sandbox: (on its way|shared)/);
    for (let tries = 0; tries < 40 && (await sharedLine.count()) === 0; tries++) {
      await page.waitForTimeout(500);
      await page.reload();
      await post.waitFor();
    }
    expect(await sharedLine.count(), (await post.textContent()) ?? '').toBe(1);
    // Facebook has no posting API: its own share dialog, then a confirmation.
    expect(
      await post.getByRole('link', { name: 'Open Facebook to share' }).getAttribute('href'),
    ).toMatch(/^https:\/\/www\.facebook\.com\//);
    expect(browser.problems).toEqual([]);
  });

  it('shows the exact text each network would receive, the parts Chorus placed marked', async () => {
    const { page } = browser;
    await page.reload();
    const post = page.getByRole('article', { name: POST_TITLE });
    const figure = post.getByRole('figure', { name: 'What Sandbox receives' });
    await figure.waitFor();
    // The feed's own answer: the post's words, then the disclosure Chorus places, locked.
    const text = (await figure.getByRole('blockquote').textContent()) ?? '';
    expect(text).toContain('We open our new Berlin office today. Come and see us!');
    expect(await figure.getByTitle('Placed by Chorus').allTextContents()).toContain(
      '#AcmeEmployee — views my own.',
    );
    await browser.screenshot('feed-text-phone', PHONE);
    expect(browser.problems).toEqual([]);
  });

  it('shows the API’s refusal in its own words', async () => {
    const { page } = browser;
    await page.route('**/me/shares', (route) =>
      route.fulfill({
        status: 422,
        contentType: 'application/json',
        body: JSON.stringify({
          error: { code: 'unprocessable', message: 'Cannot share here: you paused sharing' },
        }),
      }),
    );
    const post = page.getByRole('article', { name: POST_TITLE });
    await post.getByRole('button', { name: 'I shared it on Facebook' }).click();
    await post.getByRole('alert').getByText('Cannot share here: you paused sharing').waitFor();
    await page.unroute('**/me/shares');
    // The browser logs the refused request itself; nothing else went wrong.
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 422/)]);
  });

  it('signs in again when the API says the sign-in is over (401), and comes back to the same page', async () => {
    const { page } = browser;
    let refused = 0;
    await page.route('**/me/feed', (route) => {
      if (refused++ > 0) return route.continue();
      return route.fulfill({
        status: 401,
        contentType: 'application/json',
        body: '{"message":"Unauthorized"}',
      });
    });
    await page.goto(`${runtime.apiUrl}/console/feed`);
    await page.getByRole('article', { name: POST_TITLE }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/feed');
    expect(refused).toBe(2);
    await page.unroute('**/me/feed');
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 401/)]);
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
