import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Legal's console in a real browser against `npm start`'s runtime: the review queue, a post's
 * review with findings marked in the text as each network receives it, requesting changes,
 * approving the next version, and a stale approval shown as a reload prompt. Marketing acts
 * through the API, as its own console screens are not built yet.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;
let author: string;
let reviewer: string;
let postId: string;

const TITLE = 'Global Equity Fund opens';
/** ARIA 1.3's `mark` role (what <mark> is): Playwright matches it; its types predate it. */
const MARK = 'mark' as Parameters<Page['getByRole']>[0];
const RISKY = 'Our Global Equity Fund opens today. We guarantee steady growth.';

interface PostState {
  version: number;
  status: string;
  review?: { currentStage: number; stages: { role: string }[] };
}

const readPost = async () =>
  (await api.call<{ post: PostState }>('GET', `/posts/${postId}`, author)).post;

/** Submits the post and lets marketing's stage pass, until the version waits for legal. */
const untilLegal = async () => {
  await api.call('POST', `/posts/${postId}/submit`, author);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const post = await readPost();
    const stage = post.review?.stages[post.review.currentStage];
    if (post.status === 'in_review' && stage?.role === 'legal') return post.version;
    if (post.status === 'in_review' && stage?.role === 'marketing') {
      await api.call('POST', `/posts/${postId}/approve`, reviewer, { version: post.version });
    }
    if (Date.now() > deadline) throw new Error(`post stuck in ${post.status}`);
    await sleep(200);
  }
};

/** Marketing saves a new version of the post (the edit names the version it read). */
const edit = async (text: string) => {
  const { version } = await readPost();
  await api.call('PUT', `/posts/${postId}`, author, {
    version,
    title: TITLE,
    variants: [{ text }],
    link: 'https://acme.example/fund',
    topics: ['funds'],
    segments: ['sales'],
  });
};

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  author = await api.token('marketing', 'mia.legal@example.com', 'Mia Marketing');
  reviewer = await api.token('marketing', 'max.legal@example.com', 'Max Marketing');
  await api.salesSegment();
  ({
    post: { postId },
  } = await api.call<{ post: { postId: string } }>('POST', '/posts', author, {
    title: TITLE,
    variants: [{ text: RISKY }],
    link: 'https://acme.example/fund',
    topics: ['funds'],
    segments: ['sales'],
  }));
  await untilLegal();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('legal’s console in a browser', () => {
  it('signs legal in and finds the post in the review queue, in either order', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('lee.legal@example.com');
    await page.getByLabel('Name').fill('Lee Legal');
    await page.getByLabel('legal').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Lee Legal' }).waitFor();
    // Legal lands on what waits: the queue's count and its oldest post, the edits waiting.
    const posts = page.getByRole('region', { name: /to review$/ });
    expect(await posts.getByRole('heading').textContent()).toBe('1 post to review');
    expect(await posts.getByText(/waiting .* \(since /).count()).toBe(1);
    await posts.getByRole('link', { name: TITLE }).waitFor();
    const edits = page.getByRole('region', { name: /personalisations? waiting$/ });
    expect(await edits.getByRole('heading').textContent()).toBe('0 personalisations waiting');
    await edits.getByRole('link', { name: 'Open the personalisation reviews' }).waitFor();
    await browser.screenshot('legal-landing-desktop', DESKTOP);
    await page.setViewportSize(DESKTOP);

    await posts.getByRole('link', { name: 'Open the review queue' }).click();
    const queue = page.getByRole('list', { name: 'Posts waiting for review' });
    await queue.getByRole('link', { name: TITLE }).waitFor();
    await page.getByLabel('Planned first').check();
    await queue.getByRole('link', { name: TITLE }).waitFor();
    expect(await page.getByLabel('Planned first').isChecked()).toBe(true);
    await browser.screenshot('review-queue-desktop', DESKTOP);
    await browser.screenshot('review-queue-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('shows each text as the network receives it, the finding marked and described in it', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    expect(await page.getByText('Version 1 · in review').isVisible()).toBe(true);

    const sandbox = page.getByRole('figure', { name: 'Variant 1 on Sandbox' });
    expect(await sandbox.getByRole('blockquote').textContent()).toContain(RISKY);
    const mark = sandbox.getByRole(MARK).filter({ hasText: 'guarantee' });
    expect(await mark.textContent()).toBe('guarantee');
    // The mark's accessible description is the finding: rule, explanation, fix.
    const describedBy = (await mark.getAttribute('aria-describedby')) ?? '';
    expect(describedBy).not.toBe('');
    const description = await page.evaluate<string>(
      `${JSON.stringify(describedBy.split(' '))}.map((id) => document.getElementById(id)?.textContent ?? '').join(' ')`,
    );
    expect(description).toMatch(/lexicon\.guarantee/);
    expect(description).toContain('on “guarantee”');
    expect(
      await sandbox
        .getByRole('list', { name: 'Findings in Variant 1 on Sandbox' })
        .getByText(/lexicon\.guarantee/)
        .isVisible(),
    ).toBe(true);
    // Why legal sees it at all.
    const why = page.getByRole('region', { name: 'Why legal reviews it' });
    expect(((await why.textContent()) ?? '').length).toBeGreaterThan('Why legal reviews it'.length);
    await browser.screenshot('review-desktop', DESKTOP);
    await browser.screenshot('review-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('requests changes with a comment, which joins the thread', async () => {
    const { page } = browser;
    await page.getByLabel('What should change').fill('Promise no growth: say capital is at risk.');
    await page.getByRole('button', { name: 'Request changes' }).click();
    await page.getByRole('status').getByText('You asked for changes to version 1.').waitFor();
    const thread = page.getByRole('list', { name: 'Comment thread' });
    await thread.getByText('Promise no growth: say capital is at risk.').waitFor();
    expect(await page.getByRole('button', { name: 'Approve version 1' }).isDisabled()).toBe(true);

    // A plain comment on the version, from the same page.
    await page.getByLabel('Add a comment on version 1').fill('Happy to look again today.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await thread.getByText('Happy to look again today.').waitFor();

    // A reply joins the thread of the comment it answers.
    const asked = thread.getByRole('listitem').filter({ hasText: 'Promise no growth' }).first();
    await asked.getByRole('button', { name: 'Reply to lee.legal@example.com' }).click();
    await asked.getByLabel('Your reply to lee.legal@example.com').fill('Or drop the claim.');
    await asked.getByRole('button', { name: 'Send reply' }).click();
    const replies = thread.getByRole('list', { name: 'Replies to lee.legal@example.com' });
    await replies.getByText('Or drop the claim.').waitFor();
    expect(await replies.getByRole('listitem').count()).toBe(1);
    expect(browser.problems).toEqual([]);
  });

  it('approves the next version marketing submits, bound to that version', async () => {
    const { page } = browser;
    await edit('Our Global Equity Fund opens today. Capital at risk.');
    const version = await untilLegal();
    expect(version).toBe(2);
    await page.getByRole('link', { name: '← Review queue' }).click();
    await page.getByRole('link', { name: TITLE }).click();
    await page.getByText('Version 2 · in review').waitFor();
    const sandbox = page.getByRole('figure', { name: 'Variant 1 on Sandbox' });
    expect(await sandbox.getByRole(MARK).filter({ hasText: 'guarantee' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Approve version 2' }).click();
    await page.getByRole('status').getByText('You approved version 2.').waitFor();
    const post = await readPost();
    expect(post.version).toBe(2);
    expect(['approved', 'scheduled']).toContain(post.status);
    expect(browser.problems).toEqual([]);
  });

  it('shows what changed since that approval, and on a stale approval a reload prompt that loads the new version', async () => {
    const { page } = browser;
    await edit('Our Global Equity Fund opens this week. Capital at risk.');
    expect(await untilLegal()).toBe(3);
    await page.reload();
    await page.getByText('Version 3 · in review').waitFor();
    const changes = page.getByRole('region', { name: 'Changes since the last approval' });
    expect(
      await changes.getByText('Version 2 (approved) to version 3', { exact: false }).count(),
    ).toBe(1);
    expect(await changes.getByRole('deletion').first().textContent()).toBe('today');
    expect(await changes.getByRole('insertion').first().textContent()).toBe('this week');

    // Marketing saves again while legal reads version 3.
    await edit('Our Global Equity Fund opens next week. Capital at risk.');
    await page.getByRole('button', { name: 'Approve version 3' }).click();
    const prompt = page.getByRole('alert');
    await prompt.getByText('This post changed since you opened it.').waitFor();
    await browser.screenshot('review-stale-desktop', DESKTOP);
    await page.setViewportSize(DESKTOP);
    await prompt.getByRole('button', { name: 'Reload the new version' }).click();
    await page.getByText(/^Version 4 · /).waitFor();
    expect(await page.getByRole('button', { name: 'Approve version 4' }).count()).toBe(1);
    expect((await readPost()).version).toBe(4);
    // The refused approval is the one request the browser logs as failed.
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 409/)]);
  });
  it('shows an employee’s risky edit beside the approved original, and decides on the text shown', async () => {
    const { page } = browser;
    const eve = { email: 'eve.legal@example.com', name: 'Eve Employee' };
    await api.employee(eve);
    const office = await api.suggestedPost(
      'Our new office',
      'We open our new Berlin office today.',
    );
    const own = await api.token('employee', eve.email, eve.name);
    const personalise = (text: string) =>
      api.call('PUT', `/me/personalisations/${office.postId}/sandbox`, own, { text }, [202]);
    await personalise('Guarantee yourself a look at our new office.');

    await page
      .getByRole('navigation')
      .getByRole('link', { name: 'Personalisation reviews' })
      .click();
    const card = page.getByRole('article', { name: /An edit for Sandbox/ });
    await card.waitFor();
    // Whose edit it is, as the directory names them.
    await card.getByText('Written by Eve Employee (eve.legal@example.com) · Sales').waitFor();
    const edit = card.getByRole('figure', { name: 'The employee’s text on Sandbox' });
    const original = card.getByRole('figure', { name: 'The approved original on Sandbox' });
    expect(await edit.getByRole(MARK).filter({ hasText: 'Guarantee' }).count()).toBe(1);
    expect(await original.getByRole('blockquote').textContent()).toContain(
      'We open our new Berlin office today.',
    );
    await browser.screenshot('personalisation-reviews-desktop', DESKTOP);
    await browser.screenshot('personalisation-reviews-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    // The employee rewrites while legal reads: approving the text shown is refused.
    await personalise('Guarantee yourself a visit to our new office.');
    await card.getByRole('button', { name: 'Approve this edit' }).click();
    const prompt = card.getByRole('alert');
    await prompt.getByText('The employee changed this text since you opened it.').waitFor();
    await prompt.getByRole('button', { name: 'Reload the new text' }).click();
    const fresh = page.getByRole('article', { name: /An edit for Sandbox/ });
    await fresh
      .getByText('Guarantee yourself a visit to our new office.', { exact: false })
      .waitFor();
    await fresh.getByLabel(/Reason for rejecting/).fill('Promise nothing, please.');
    await fresh.getByRole('button', { name: 'Reject this edit' }).click();
    await fresh.getByRole('status').getByText('You rejected this edit.').waitFor();
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 409/)]);
  });

  it('searches the audit log by an employee’s email, and verifies the chain it shows', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await page.getByLabel('Person’s email').fill('eve.legal@example.com');
    const today = new Date().toLocaleDateString('en-CA');
    await page.getByLabel('From').fill(today);
    await page.getByLabel('To').fill(today);
    await page.getByRole('button', { name: 'Search' }).click();
    const entries = page.getByRole('list', { name: 'Audit entries' });
    await entries.getByRole('heading', { name: 'personalisation checked' }).first().waitFor();
    // Every entry is Eve's own step, said by her email, not her internal id.
    const rows = entries.getByRole('listitem').filter({ has: page.getByRole('heading') });
    const count = await rows.count();
    expect(count).toBeGreaterThan(0);
    expect(await rows.filter({ hasText: 'eve.legal@example.com' }).count()).toBe(count);
    await browser.screenshot('audit-desktop', DESKTOP);
    await browser.screenshot('audit-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page
      .getByRole('status')
      .getByText(/^The chain holds: /)
      .waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });

  it('opens a post’s audit trail from its review page', async () => {
    const { page } = browser;
    // Version 4 is back with marketing, out of the queue: the page is reached as an email links it.
    await page.goto(`${runtime.apiUrl}/console/reviews/${postId}`);
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Audit trail' }).click();
    expect(await page.getByLabel('Post id').inputValue()).toBe(postId);
    await page.getByRole('button', { name: 'Search' }).click();
    const entries = page.getByRole('list', { name: 'Audit entries' });
    await entries
      .getByRole('heading', { name: /approve/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    await page
      .getByRole('status')
      .getByText(/^The chain holds: /)
      .waitFor();
    expect(browser.problems).toEqual([]);
  });
});
