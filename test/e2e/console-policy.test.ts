import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Legal's compliance policy in a real browser against `npm start`'s runtime: a forbidden phrase
 * added (a bad one refused at its field first), a dry run with the finding marked, the impact job
 * finding the approved post that uses the phrase, and the save showing in the history.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;

const TITLE = 'Zeppelin tours open';
const TEXT = 'Our zeppelin tours open this spring.';
/** ARIA 1.3's `mark` role (what <mark> is): Playwright matches it; its types predate it. */
const MARK = 'mark' as Parameters<Page['getByRole']>[0];

/** A post for sales, approved by marketing's four eyes, with no campaign. */
const approvedPost = async () => {
  const author = await api.token('marketing', 'mia.policy@example.com', 'Mia Marketing');
  const reviewer = await api.token('marketing', 'max.policy@example.com', 'Max Marketing');
  const {
    post: { postId },
  } = await api.call<{ post: { postId: string } }>('POST', '/posts', author, {
    title: TITLE,
    variants: [{ text: TEXT }],
    link: 'https://acme.example/tours',
    topics: ['news'],
    segments: ['sales'],
  });
  await api.call('POST', `/posts/${postId}/submit`, author);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { post } = await api.call<{ post: { status: string; version: number } }>(
      'GET',
      `/posts/${postId}`,
      author,
    );
    if (post.status === 'approved') return postId;
    if (post.status === 'in_review') {
      await api.call(
        'POST',
        `/posts/${postId}/approve`,
        reviewer,
        { version: post.version },
        [200, 403, 409, 422],
      );
    }
    if (Date.now() > deadline) throw new Error(`post ${postId} stuck in ${post.status}`);
    await sleep(200);
  }
};

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  // A reader in Great Britain in the sales segment the post goes to.
  await api.employee({ email: 'gil.policy@example.com', name: 'Gil Reader', jurisdiction: 'GB' });
  await approvedPost();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('legal’s compliance policy in a browser', () => {
  it('signs legal in and opens the policy from the navigation', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('pat.policy@example.com');
    await page.getByLabel('Name').fill('Pat Policy');
    await page.getByLabel('legal').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Pat Policy' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Compliance policy' }).click();
    await page.getByRole('heading', { name: 'Compliance policy', level: 1 }).waitFor();
    await page.getByRole('table').getByRole('cell', { name: 'Version 1' }).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it('adds a forbidden phrase, refused at its field while it is a pattern', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Add phrase rule' }).click();
    const rule = page.getByRole('group', { name: /^Phrase rule \d+$/ }).last();
    const phrase = rule.getByLabel('Phrase', { exact: true });
    // Focus goes to the new rule's first field: typing goes straight in.
    await page.keyboard.type('zep.*pelin');
    expect(await phrase.inputValue()).toBe('zep.*pelin');
    expect(await rule.getByLabel('Rule id').inputValue()).toBe('zep-pelin');

    await page.getByLabel('Text to check').fill(TEXT);
    await page.getByRole('button', { name: 'Check against the draft' }).click();
    await rule.getByText('regular expressions are not accepted').waitFor();
    expect(await phrase.getAttribute('aria-invalid')).toBe('true');
    // The browser reports the 400 it was answered; that is the point here.
    expect(browser.takeProblems().every((p) => p.includes('400'))).toBe(true);

    await phrase.fill('zeppelin');
    expect(await rule.getByLabel('Rule id').inputValue()).toBe('zeppelin');
  });

  it('dry-runs a text against the unsaved draft and marks the finding in it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Check against the draft' }).click();
    await page.getByRole('status').getByText('Under this draft the text is blocked.').waitFor();
    const text = page.getByRole('figure', { name: 'As LinkedIn would receive it' });
    expect(await text.getByRole(MARK).filter({ hasText: 'zeppelin' }).count()).toBe(1);
    expect(await text.getByRole('list', { name: 'Findings' }).textContent()).toContain(
      "'zeppelin' is not allowed",
    );
    expect(
      await page
        .getByRole('group', { name: /^Phrase rule \d+$/ })
        .last()
        .getByText('regular expressions')
        .count(),
    ).toBe(0);
    expect(browser.problems).toEqual([]);
  });

  it('checks the impact and lists the approved post that uses the phrase, per network, with its readers’ jurisdiction', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Check impact' }).click();
    const blocked = page.getByRole('list', { name: 'Posts the draft would block' });
    await blocked.getByRole('heading', { name: TITLE }).waitFor({ timeout: 60_000 });
    const linkedin = blocked.getByRole('figure', {
      name: 'Variant 1 on LinkedIn, for readers in GB',
    });
    expect(await linkedin.getByRole('blockquote').textContent()).toContain('zeppelin');
    expect(await linkedin.getByRole(MARK).filter({ hasText: 'zeppelin' }).count()).toBe(1);
    expect(await blocked.getByText('recipients in GB').count()).toBe(1);
    await browser.screenshot('policy-desktop', DESKTOP);
    await browser.screenshot('policy-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('saves the draft as the next version and shows it in the history', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await page.getByRole('status').getByText('Saved as version 2.').waitFor();
    const history = page.getByRole('table');
    await history.getByRole('cell', { name: 'Version 2' }).waitFor();
    const { policy } = await api.call<{
      policy: { version: number; lexicon: { phrase: string }[] };
    }>('GET', '/policies/compliance', await api.token('legal', 'pat.policy@example.com'));
    expect(policy.version).toBe(2);
    expect(policy.lexicon.map((e) => e.phrase)).toContain('zeppelin');
    expect(await page.getByRole('button', { name: 'Save as version 3' }).isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('shows an admin the policy and its checks but no Save: only legal may change it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('ada.policy@example.com');
    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByLabel('admin').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Admin' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Compliance policy' }).click();
    await page.getByText('Only legal may change the policy').waitFor();
    expect(await page.getByRole('button', { name: /^Save as version/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Check impact' }).isVisible()).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
