import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's compose screen in a real browser against `npm start`'s runtime: two variants, the
 * final text each network receives updating as they type (disclaimer and disclosure placed,
 * length as the network counts it), a risky phrase marked as it is typed, a field error beside
 * its field, save, submit (checked through the API), and a save that lost a race shown beside
 * the version saved meanwhile.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;
let postId: string;

/** ARIA 1.3's `mark` role (what <mark> is): Playwright matches it; its types predate it. */
const MARK = 'mark' as Parameters<Page['getByRole']>[0];
const TITLE = 'Global Equity Fund opens';
const URL_IN_COPY = 'https://acme.example/funds/global-equity-2026-launch';

interface PostState {
  version: number;
  status: string;
  title: string;
  [field: string]: unknown;
}

const readPost = async (token: string) =>
  (await api.call<{ post: PostState }>('GET', `/posts/${postId}`, token)).post;

/** The length a network counts as the preview shows it ("123 of 280 characters"). */
const counted = async (figure: Locator) => {
  const line = (await figure.getByText(/ of \d+ (characters|code points)/).textContent()) ?? '';
  return Number(/^(\d+) of/.exec(line)?.[1]);
};

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  await api.salesSegment();
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s compose screen in a browser', () => {
  it('previews each network’s final text live as marketing types, marks a risky phrase, saves and submits', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console/posts/new`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('mia.compose@example.com');
    await page.getByLabel('Name').fill('Mia Marketing');
    await page.getByLabel('marketing').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();

    await page.getByLabel('Title').fill(TITLE);
    const first = page.getByRole('group', { name: 'Variant 1', exact: true });
    await first
      .getByLabel('Copy of variant 1')
      .fill('Our fund opens today, {{employee.firstName}}.');
    await first.getByLabel('LinkedIn').check();
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const second = page.getByRole('group', { name: 'Variant 2', exact: true });
    await second.getByLabel('Copy of variant 2').fill(`Our fund opens today: ${URL_IN_COPY}`);
    await second.getByLabel('X', { exact: true }).check();

    // The texts as LinkedIn and X will receive them: the disclosure placed, the field filled.
    const linkedin = page.getByRole('figure', { name: 'Variant 1 on LinkedIn' });
    const x = page.getByRole('figure', { name: 'Variant 2 on X' });
    await linkedin.getByText('#AcmeEmployee — views my own.').waitFor();
    expect(await linkedin.getByRole('blockquote').textContent()).toContain(
      'Our fund opens today, Alexandrina.',
    );
    await x.getByText(/ of 280 code points/).waitFor();
    // X counts the link as 23, however long it is.
    const xText = (await x.getByRole('blockquote').textContent()) ?? '';
    expect(await counted(x)).toBe([...xText.replace(URL_IN_COPY, '')].length + 23);

    // A topic that needs a disclaimer: it is appended to both texts.
    await page.getByLabel('Topics').fill('funds');
    await linkedin
      .getByText('Capital at risk. Past performance does not predict future returns.')
      .waitFor();
    await x.getByText('Capital at risk.', { exact: false }).waitFor();

    // Typing the risky phrase: the counter moves and the finding is marked in X's text.
    const before = await counted(x);
    await second.getByLabel('Copy of variant 2').press('End');
    await second.getByLabel('Copy of variant 2').pressSequentially(' We guarantee returns.');
    const mark = x.getByRole(MARK).filter({ hasText: 'guarantee' });
    await mark.waitFor();
    expect(await mark.textContent()).toBe('guarantee');
    expect(await counted(x)).toBe(before + ' We guarantee returns.'.length);
    await x
      .getByRole('list', { name: 'Findings in Variant 2 on X' })
      .getByText(/lexicon\.guarantee/)
      .waitFor();
    expect(await linkedin.getByRole(MARK).count()).toBe(0);
    await page
      .getByRole('status')
      .getByText(/this draft needs legal’s review/)
      .waitFor();

    // Target segments are the defined ones, with their member counts.
    const sales = page.getByRole('checkbox', { name: /^Sales \(sales\) · \d+ (person|people)$/ });
    await sales.check();
    // Variant 2 only for the sales segment's members (none ticked: every target segment).
    await second.getByRole('checkbox', { name: 'Variant 2 for segment sales' }).check();

    // A template field the API does not know: refused at save, said beside the copy.
    const copy = first.getByLabel('Copy of variant 1');
    await copy.fill('Our fund opens today, {{employee.nick}}.');
    await page.getByRole('button', { name: 'Save as draft' }).click();
    await first.getByText(/unknown template field \{\{employee\.nick\}\}/).waitFor();
    expect(await copy.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('The fields marked below need a change.').waitFor();
    await copy.fill('Our fund opens today, {{employee.firstName}}.');
    expect(await copy.getAttribute('aria-invalid')).toBeNull();
    expect(browser.takeProblems().every((p) => /status of 400/.test(p))).toBe(true);

    await browser.screenshot('compose-new-desktop', DESKTOP);
    await browser.screenshot('compose-new-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('status').getByText('Saved version 1 as a draft.').waitFor();
    postId = decodeURIComponent(/\/console\/posts\/([^/]+)$/.exec(page.url())?.[1] ?? '');
    expect(postId).not.toBe('');
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('status').getByText('Submitted version 1 for review.').waitFor();
    // The screen follows the check into review and says who it waits on.
    const state = page.getByRole('region', { name: 'Review' });
    await state.getByText(/Stage 1 of \d+: .+, waiting on /).waitFor();

    const author = await api.token('marketing', 'mia.compose@example.com', 'Mia Marketing');
    const saved = await readPost(author);
    expect(saved).toMatchObject({
      version: 1,
      status: 'in_review',
      title: TITLE,
      topics: ['funds'],
    });
    expect(saved.variants).toEqual([
      { text: 'Our fund opens today, {{employee.firstName}}.', networks: ['linkedin'] },
      {
        text: `Our fund opens today: ${URL_IN_COPY} We guarantee returns.`,
        networks: ['x'],
        segments: ['sales'],
      },
    ]);
    expect(saved.segments).toEqual(['sales']);
    await browser.screenshot('compose-in-review-desktop', DESKTOP);
    await browser.screenshot('compose-in-review-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('shows a save that lost the race beside the version saved meanwhile, keeps mine when asked, then withdraws and deletes the post', async () => {
    const { page } = browser;
    // Another marketer saves a new version while this page shows version 1.
    const max = await api.token('marketing', 'max.compose@example.com', 'Max Marketing');
    const current = await readPost(max);
    const {
      title: _t,
      version,
      variants,
      link,
      media,
      topics,
      segments,
      language,
      flags,
    } = current;
    await api.call('PUT', `/posts/${postId}`, max, {
      version,
      title: 'Fund opens (Max’s title)',
      variants,
      ...(link ? { link } : {}),
      media,
      topics,
      segments,
      language,
      flags,
    });

    await page.getByLabel('Title').fill('Fund opens (Mia’s title)');
    await page.getByRole('button', { name: 'Save a new version' }).click();
    const conflict = page.getByRole('alert').filter({ hasText: 'Someone saved this post' });
    await conflict.waitFor();
    const mine = conflict.getByRole('region', { name: 'Your version (not saved)' });
    const theirs = conflict.getByRole('region', { name: 'Saved version 2' });
    expect(await mine.getByText('Fund opens (Mia’s title)').count()).toBe(1);
    expect(await theirs.getByText('Fund opens (Max’s title)').count()).toBe(1);
    expect(await conflict.getByText(/saved by max\.compose@example\.com/).count()).toBe(1);
    await browser.screenshot('compose-conflict-desktop', DESKTOP);
    await browser.screenshot('compose-conflict-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 409/)]);

    await conflict.getByRole('button', { name: 'Keep mine: save it over version 2' }).click();
    await page.getByRole('status').getByText('Saved version 3.').waitFor();
    expect(await readPost(max)).toMatchObject({ version: 3, title: 'Fund opens (Mia’s title)' });

    // The versions and what changed between two of them.
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByRole('listitem').filter({ hasText: 'Version 3' }).waitFor();
    await versions.getByLabel('From version').selectOption('2');
    await versions.getByLabel('To version').selectOption('3');
    await versions.getByRole('button', { name: 'Show the changes' }).click();
    await versions.getByText('Version 2 to version 3').waitFor();
    expect(await versions.getByRole('deletion').textContent()).toBe('Max');
    expect(await versions.getByRole('insertion').textContent()).toBe('Mia');

    // The conversation with legal, on the version shown.
    await page.getByLabel('Add a comment on version 3').fill('Legal: the X copy is reworded.');
    await page.getByRole('button', { name: 'Add comment' }).click();
    await page
      .getByRole('list', { name: 'Comment thread' })
      .getByText('Legal: the X copy is reworded.')
      .waitFor();

    // Withdrawn with a reason, then deleted after a confirmation (it was never scheduled).
    await page.getByLabel('Reason for withdrawing').fill('The fund launch moved to spring.');
    await page.getByRole('button', { name: 'Withdraw' }).click();
    await page
      .getByRole('status')
      .getByText(/^Withdrawn:/)
      .waitFor();
    expect((await readPost(max)).status).toBe('withdrawn');
    await page.getByRole('button', { name: 'Delete this post' }).click();
    await page.getByRole('button', { name: 'Yes, delete it' }).click();
    await page.waitForURL(/\/console\/posts$/);
    const gone = await api.call<{ post?: PostState }>(
      'GET',
      `/posts/${postId}`,
      max,
      undefined,
      [200, 404],
    );
    expect(gone.post === undefined || gone.post.status === 'deleted').toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
