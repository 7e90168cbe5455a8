import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's posts list and the admin's policies in a real browser against `npm start`'s
 * runtime: posts in different states each say on whom they wait, filtered by status and found
 * by title prefix; the sharing policy's monthly budget changed, shown in the history, and a save
 * of a version someone replaced meanwhile refused with the reload prompt.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;

const MIA = 'mia.posts@example.com';
const ADMIN = 'ada.posts@example.com';
const posts: Record<'harbour' | 'harvest' | 'winter', string> = {
  harbour: '',
  harvest: '',
  winter: '',
};

type Stored = { post: { postId: string; status: string; version: number } };

/** Waits (polling the API) until the post's review has started. */
const inReview = async (postId: string, token: string) => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { post } = await api.call<Stored>('GET', `/posts/${postId}`, token);
    if (post.status === 'in_review') return post.version;
    if (Date.now() > deadline) throw new Error(`post ${postId} stuck in ${post.status}`);
    await sleep(200);
  }
};

const signIn = async (email: string, name: string, role: 'marketing' | 'admin') => {
  const { page } = browser;
  await page.goto(`${runtime.apiUrl}/console`);
  await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel(role).check();
  await page.getByLabel('employee').uncheck();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: `Welcome, ${name}` }).waitFor();
};

const card = (title: string): Locator =>
  browser.page
    .getByRole('list', { name: 'Posts' })
    .getByRole('listitem')
    .filter({
      has: browser.page.getByRole('link', { name: title }),
    });

const titles = async () =>
  browser.page.getByRole('list', { name: 'Posts' }).getByRole('heading').allTextContents();

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  await api.salesSegment();
  const admin = await api.token('admin', ADMIN, 'Ada Admin');
  // Two stages for every post: marketing's four eyes, then legal.
  await api.call('PUT', '/policies/approval', admin, {
    version: 1,
    stages: [
      { id: 'marketing', name: 'Marketing review', role: 'marketing' },
      { id: 'legal', name: 'Legal review', role: 'legal' },
    ],
  });
  const mia = await api.token('marketing', MIA, 'Mia Marketing');
  const max = await api.token('marketing', 'max.posts@example.com', 'Max Marketing');
  const create = async (title: string) =>
    (
      await api.call<Stored>('POST', '/posts', mia, {
        title,
        variants: [{ text: `${title}: details at the link.` }],
        link: 'https://acme.example/news',
        segments: ['sales'],
      })
    ).post.postId;
  posts.harbour = await create('Harbour tour opens');
  posts.harvest = await create('Harvest fair recap');
  await api.call('POST', `/posts/${posts.harbour}/submit`, mia);
  await api.call('POST', `/posts/${posts.harvest}/submit`, mia);
  const [harbour, harvest] = await Promise.all([
    inReview(posts.harbour, mia),
    inReview(posts.harvest, mia),
  ]);
  await api.call('POST', `/posts/${posts.harbour}/approve`, max, { version: harbour });
  await api.call('POST', `/posts/${posts.harvest}/request-changes`, max, {
    version: harvest,
    comment: 'Name the venue',
  });
  posts.winter = await create('Winter opening hours');
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s posts list in a browser', () => {
  it('lists the posts, newest update first, each with where it stands and on whom it waits', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signIn(MIA, 'Mia Marketing', 'marketing');
    // Mia lands on what waits on her: the post legal's stage sent back, none yet to schedule.
    const sentBack = page.getByRole('region', { name: /sent back for changes$/ });
    expect(await sentBack.getByRole('heading').textContent()).toBe('1 post sent back for changes');
    await sentBack.getByRole('link', { name: 'Harvest fair recap' }).waitFor();
    const toSchedule = page.getByRole('region', { name: /approved, not scheduled$/ });
    expect(await toSchedule.getByRole('heading').textContent()).toBe(
      '0 posts approved, not scheduled',
    );
    await browser.screenshot('marketing-landing-desktop', DESKTOP);
    await page.setViewportSize(DESKTOP);
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Posts' })
      .click();
    await page.getByRole('heading', { name: 'Posts', level: 1 }).waitFor();
    await card('Winter opening hours').waitFor();
    expect(await titles()).toEqual([
      'Winter opening hours',
      'Harvest fair recap',
      'Harbour tour opens',
    ]);
    expect(await card('Harbour tour opens').textContent()).toContain(
      'In review — waiting on legal (stage 2 of 2: Legal review)',
    );
    expect(await card('Harvest fair recap').textContent()).toContain(
      'Changes requested by marketing (Marketing review): “Name the venue” — waiting on you to edit and resubmit',
    );
    expect(await card('Winter opening hours').textContent()).toContain(
      'Draft — waiting on you to submit it',
    );
    expect(await page.getByRole('link', { name: 'Harbour tour opens' }).getAttribute('href')).toBe(
      `/console/posts/${posts.harbour}`,
    );
    expect(await page.getByRole('link', { name: 'New post' }).getAttribute('href')).toBe(
      '/console/posts/new',
    );
    await page.getByText('Newest update first.').waitFor();
    await browser.screenshot('posts-desktop', DESKTOP);
    await browser.screenshot('posts-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('filters by status, searches by title prefix, and says when a filter applies within a page', async () => {
    const { page } = browser;
    await page.getByLabel('Status').selectOption({ label: 'Changes requested' });
    await expect.poll(titles).toEqual(['Harvest fair recap']);
    // Status alone is served by its index: no page is partial.
    expect(await page.getByText('applied within each page').count()).toBe(0);

    await page.getByLabel('Status').selectOption({ label: 'Any status' });
    await page.getByLabel('Title starts with').fill('har');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('Sorted by title, A to Z').waitFor();
    await expect.poll(titles).toEqual(['Harbour tour opens', 'Harvest fair recap']);

    await page.getByLabel('Title starts with').fill('HARB');
    await page.keyboard.press('Enter');
    await expect.poll(titles).toEqual(['Harbour tour opens']);

    // Title and status: the title list is read, the status applied within each page of it.
    await page.getByLabel('Status').selectOption({ label: 'Draft' });
    await page.getByText('The status filter is applied within each page').waitFor();
    await page.getByText('No posts match.').waitFor();
    expect(browser.problems).toEqual([]);
  });
});

describe('the admin’s policies in a browser', () => {
  const budget = () => browser.page.getByLabel('Monthly network budget (USD)');

  it('changes the sharing policy’s monthly budget, a bad value refused at its field first', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(ADMIN, 'Ada Admin', 'admin');
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Policies' })
      .click();
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    await page
      .getByRole('navigation', { name: 'Policies' })
      .getByRole('link', { name: 'Sharing and budget' })
      .click();
    await page.getByRole('heading', { name: 'Sharing and budget policy', level: 1 }).waitFor();
    expect(await budget().isDisabled()).toBe(true);
    await page.getByLabel('No monthly limit').uncheck();
    await budget().fill('lots');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await page.getByText('Nothing was saved.').waitFor();
    expect(await budget().getAttribute('aria-invalid')).toBe('true');
    // The browser reports the 400 it was answered; that is the point here.
    expect(browser.takeProblems().every((p) => p.includes('400'))).toBe(true);

    await budget().fill('750');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await page.getByRole('status').getByText('Saved as version 2.').waitFor();
    const changes = page.getByRole('list', { name: 'Changes in version 2' });
    expect(await changes.textContent()).toContain('Monthly network budget (USD): none → 750');
    const { policy } = await api.call<{ policy: { version: number; monthlyBudgetUsd: number } }>(
      'GET',
      '/policies/sharing',
      await api.token('admin', ADMIN),
    );
    expect(policy).toMatchObject({ version: 2, monthlyBudgetUsd: 750 });
    await browser.screenshot('policies-desktop', DESKTOP);
    await browser.screenshot('policies-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('refuses a save of a version another admin replaced meanwhile, and reloads the one in force', async () => {
    const { page } = browser;
    await budget().fill('900');
    const other = await api.token('admin', 'eve.posts@example.com', 'Eve Admin');
    const { policy } = await api.call<{ policy: Record<string, unknown> }>(
      'GET',
      '/policies/sharing',
      other,
    );
    const { version: _v, updatedBy: _b, updatedAt: _a, ...fields } = policy;
    await api.call('PUT', '/policies/sharing', other, { ...fields, maxDailyCap: 12, version: 2 });

    await page.getByRole('button', { name: 'Save as version 3' }).click();
    const prompt = page.getByRole('alert').filter({ hasText: 'Someone saved this policy' });
    await prompt.waitFor();
    expect(await prompt.textContent()).toContain('Your changes to version 2 were not saved.');
    expect(browser.takeProblems().every((p) => p.includes('409'))).toBe(true);
    await prompt.getByRole('button', { name: 'Reload the policy in force' }).click();
    await page.getByRole('button', { name: 'Save as version 4' }).waitFor();
    expect(await budget().inputValue()).toBe('750');
    expect(await page.getByLabel('Most shares per day an employee may allow').inputValue()).toBe(
      '12',
    );
    expect(await page.getByRole('list', { name: 'Changes in version 3' }).textContent()).toContain(
      'Most shares per day an employee may allow: 10 → 12',
    );
    expect(browser.problems).toEqual([]);
  });
});
