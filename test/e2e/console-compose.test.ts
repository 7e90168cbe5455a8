import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { type PostState, readPost, signInAsMarketer } from './console-compose-steps';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's compose screen in a real browser against `npm start`'s runtime, on a post saved
 * before: a field error beside its field, a save that lost a race shown beside the version saved
 * meanwhile, the versions and their diff, the comment thread, withdrawing and deleting. Composing
 * a post from blank (the live preview, findings as they are typed, save, submit) is the start of
 * marketing's journey in `console-campaigns.test.ts`.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;
let postId: string;

const MIA = { email: 'mia.compose@example.com', name: 'Mia Marketing' };
const TITLE = 'Global Equity Fund opens';
const FIRST = 'Our fund opens today, {{employee.firstName}}.';

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  await api.salesSegment();
  const author = await api.token('marketing', MIA.email, MIA.name);
  ({
    post: { postId },
  } = await api.call<{ post: { postId: string } }>('POST', '/posts', author, {
    title: TITLE,
    variants: [
      { text: FIRST, networks: ['linkedin'] },
      { text: 'Our fund opens today: https://acme.example/funds', networks: ['x'] },
    ],
    topics: ['funds'],
    segments: ['sales'],
  }));
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s compose screen in a browser', () => {
  it('says what the API refused beside the field it is about', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signInAsMarketer(page, `${runtime.apiUrl}/console/posts/${postId}`, MIA);
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();

    // A template field the API does not know: refused at save, said beside the copy.
    const first = page.getByRole('group', { name: 'Variant 1', exact: true });
    const copy = first.getByLabel('Copy of variant 1');
    await copy.fill('Our fund opens today, {{employee.nick}}.');
    // The live preview asks the API first, and says why it cannot show the text (a 400 too).
    await page
      .getByRole('alert')
      .filter({ hasText: /^The preview waits for the copy to be valid: .*employee\.nick/ })
      .waitFor();
    await page.getByRole('button', { name: 'Save a new version' }).click();
    await first.getByText(/unknown template field \{\{employee\.nick\}\}/).waitFor();
    expect(await copy.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('The fields marked below need a change.').waitFor();
    await copy.fill(FIRST);
    expect(await copy.getAttribute('aria-invalid')).toBeNull();
    await page.getByText('Version 1 is saved.').waitFor();
    expect(browser.takeProblems()).toEqual([
      expect.stringMatching(/status of 400/),
      expect.stringMatching(/status of 400/),
    ]);
  });

  it('shows a save that lost the race beside the version saved meanwhile, keeps mine when asked, then withdraws and deletes the post', async () => {
    const { page } = browser;
    // Another marketer saves a new version while this page shows version 1.
    const max = await api.token('marketing', 'max.compose@example.com', 'Max Marketing');
    const current = await readPost(api, postId, max);
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
    expect(await readPost(api, postId, max)).toMatchObject({
      version: 3,
      title: 'Fund opens (Mia’s title)',
    });

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
    expect((await readPost(api, postId, max)).status).toBe('withdrawn');
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
