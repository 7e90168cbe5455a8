import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The employee's console in a real browser, against `npm start`'s runtime: the feed's final text,
 * personalising it in my own words (clean → ready at once, risky → waits for legal, blocked →
 * refused with the words marked), sharing it, and finding the share in "My impact".
 */
let runtime: RunningRuntime;
let browser: TestBrowser;

const GRACE = { email: 'grace.console@example.com', name: 'Grace Hopper' };
const TITLE = 'Our Berlin office is open';
const UPCOMING = 'Summer party';
const POST_TEXT = 'We open our new Berlin office today. Come and see us!';
const DISCLOSURE = '#AcmeEmployee — views my own.';
const CLEAN = 'Proud that our Berlin office opens today: come and say hello!';
const RISKY = 'We guarantee you will love our new Berlin office.';
const BLOCKED = 'Double your money by visiting our Berlin office!';

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  const people = scenario(runtime.apiUrl);
  await people.employee(GRACE);
  await people.suggestedPost(TITLE, POST_TEXT);
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('the employee’s console', () => {
  it('shows the exact text the network receives, the parts Chorus placed marked', async () => {
    const { page } = browser;
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('button', { name: /Grace Hopper/ }).click();
    const post = page.getByRole('article', { name: TITLE });
    const figure = post.getByRole('figure', { name: 'What Sandbox receives' });
    await figure.waitFor();
    const text = (await figure.getByRole('blockquote').textContent()) ?? '';
    expect(text).toContain(POST_TEXT);
    expect(text).toContain(DISCLOSURE);
    const placed = await figure.getByTitle('Placed by Chorus').allTextContents();
    expect(placed).toContain(DISCLOSURE);
    // The tracked link is placed too: the post's own link never appears as it was written.
    expect(placed.some((part) => part.includes('/l/'))).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('personalises: locked parts around my words, live findings, risky waits for legal, blocked is refused with the words marked', async () => {
    const { page } = browser;
    const post = page.getByRole('article', { name: TITLE });
    await post.getByRole('link', { name: 'Write it in my own words for Sandbox' }).click();
    await page.getByRole('heading', { name: 'In my own words' }).waitFor();
    // Keyboard users land on the new screen's heading.
    expect(await page.evaluate<string>('document.activeElement?.tagName')).toBe('H1');

    const words = page.getByLabel('My words for Sandbox');
    // My words start as the post's words; the disclosure is outside them, locked.
    expect(await words.inputValue()).toBe(POST_TEXT);
    const after = page.getByRole('region', { name: 'Placed by Chorus after your words' });
    expect(await after.textContent()).toContain(DISCLOSURE);

    const check = page.getByRole('region', { name: 'Live check' });
    await words.fill(RISKY);
    await check.getByText('Legal will need to review this wording').waitFor();
    const findings = check.getByRole('list', { name: 'Findings' });
    expect(await findings.textContent()).toContain("'guarantee' promises an outcome");
    // The finding's words are marked in the whole text the network would receive.
    const marked = check.getByRole('figure', { name: 'What Sandbox would receive' });
    expect(await marked.getByTitle(/promises an outcome/).textContent()).toMatch(/^guarantee/);
    expect(await marked.getByRole('blockquote').textContent()).toContain(DISCLOSURE);
    await browser.screenshot('personalise-phone', PHONE);
    await browser.screenshot('personalise-desktop', DESKTOP);
    await page.setViewportSize(PHONE);

    await page.getByRole('button', { name: 'Save my words' }).click();
    await page
      .getByRole('status')
      .getByText(/^Waiting for legal/)
      .waitFor();
    expect(await page.getByRole('button', { name: 'Share on Sandbox' }).count()).toBe(0);

    await words.fill(BLOCKED);
    await check.getByText('This wording cannot be shared').waitFor();
    await page.getByRole('button', { name: 'Save my words' }).click();
    const refusal = page.getByRole('alert');
    await refusal.getByText(/^Blocked:/).waitFor();
    expect(
      await refusal
        .getByRole('figure', { name: 'Where the problems are' })
        .getByTitle(/is not allowed/)
        .textContent(),
    ).toMatch(/^Double your money/);
    await browser.screenshot('personalise-blocked-phone', PHONE);
    // The browser logs the refused save itself; nothing else went wrong.
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 422/)]);
  });

  it('a clean edit is ready at once, is shared, and the feed shows it as mine', async () => {
    const { page } = browser;
    const words = page.getByLabel('My words for Sandbox');
    await words.fill(CLEAN);
    await page
      .getByRole('region', { name: 'Live check' })
      .getByText('No findings: ready to share')
      .waitFor();
    await page.getByRole('button', { name: 'Save my words' }).click();
    await page
      .getByRole('status')
      .getByText(/^Ready to share/)
      .waitFor();
    await page.getByRole('button', { name: 'Share on Sandbox' }).click();
    await page
      .getByRole('status')
      .getByText(/On its way/)
      .waitFor();

    await page.getByRole('link', { name: 'Back to your feed' }).click();
    const post = page.getByRole('article', { name: TITLE });
    const figure = post.getByRole('figure', { name: 'What Sandbox receives' });
    await figure.waitFor();
    const text = (await figure.getByRole('blockquote').textContent()) ?? '';
    expect(text).toContain(CLEAN);
    expect(text).toContain(DISCLOSURE);
    expect(await post.getByText('Your own words: ready').count()).toBe(1);
    expect(browser.problems).toEqual([]);
  });

  it('shows the share in My impact, with points and the leaderboards', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'My impact' }).click();
    await page.getByRole('heading', { name: 'My impact' }).waitFor();
    const mine = page.getByRole('list', { name: 'My shares by post' });
    // The share reaches the figures once the worker has published it.
    const deadline = Date.now() + 60_000;
    while ((await mine.getByText(TITLE).count()) === 0 && Date.now() < deadline) {
      await page.waitForTimeout(500);
      await page.reload();
      await page.getByRole('heading', { name: 'My impact' }).waitFor();
      await page.getByRole('region', { name: 'Leaderboards' }).waitFor();
    }
    expect(await mine.getByRole('listitem').filter({ hasText: TITLE }).textContent()).toContain(
      '1 share',
    );
    const figures = page.getByRole('region', { name: 'My figures' });
    expect(await figures.getByRole('definition').first().textContent()).toMatch(/^1 /);
    const boards = page.getByRole('region', { name: 'Leaderboards' });
    await boards.getByRole('list', { name: 'People by points' }).waitFor();
    expect(await boards.getByText(/You are number 1 with \d+ points/).count()).toBe(1);
    await boards.getByLabel('Period').selectOption('week');
    await boards.getByRole('list', { name: 'People by points' }).getByText(GRACE.name).waitFor();
    await browser.screenshot('impact-phone', PHONE);
    await browser.screenshot('impact-desktop', DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('My sharing: changes are kept, and leaving stops everything until I rejoin', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'My sharing' }).click();
    await page.getByRole('heading', { name: 'My sharing' }).waitFor();
    expect(await page.getByLabel('Auto-share on Sandbox').isChecked()).toBe(false);
    await page.getByLabel('Daily cap on Sandbox').fill('2');
    await page.getByLabel('Topics I follow').fill('news, careers');
    await page.getByLabel('Pause all sharing').check();
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save my sharing' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await browser.screenshot('sharing-phone', PHONE);
    await browser.screenshot('sharing-desktop', DESKTOP);
    await page.setViewportSize(PHONE);

    // What the API kept, read back on a fresh load.
    await page.reload();
    await page.getByLabel('Pause all sharing').waitFor();
    expect(await page.getByLabel('Pause all sharing').isChecked()).toBe(true);
    expect(await page.getByLabel('Daily cap on Sandbox').inputValue()).toBe('2');
    expect(await page.getByLabel('Topics I follow').inputValue()).toBe('news, careers');
    expect(await page.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');

    // A time zone the API refuses is said in its words, field by field.
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByRole('button', { name: 'Save my sharing' }).click();
    await page
      .getByRole('alert')
      .getByText(/time zone/i)
      .first()
      .waitFor();
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 400/)]);

    await page.getByRole('button', { name: 'Leave the programme' }).click();
    await page.getByRole('button', { name: 'Yes, leave' }).click();
    await page.getByRole('heading', { name: 'You left the sharing programme' }).waitFor();
    await page.getByRole('button', { name: 'Rejoin' }).click();
    await page.getByRole('button', { name: 'Save my sharing' }).waitFor();
    // Rejoining turns nothing on by itself.
    expect(await page.getByLabel('Auto-share on Sandbox').isChecked()).toBe(false);
    expect(browser.problems).toEqual([]);
  });

  it('Connected accounts: shows each connection, disconnects and connects again', async () => {
    const { page } = browser;
    await page.getByRole('link', { name: 'Accounts' }).click();
    const sandbox = page.getByRole('region', { name: 'Sandbox' });
    await sandbox.getByText('grace.console').waitFor();
    expect(await sandbox.getByText(/^Connected/).count()).toBe(1);
    // Networks not connected offer to connect; Mastodon asks for the server first.
    const mastodon = page.getByRole('region', { name: 'Mastodon' });
    expect(await mastodon.getByLabel('Your Mastodon server').isVisible()).toBe(true);
    expect(
      await page
        .getByRole('region', { name: 'LinkedIn' })
        .getByRole('button', { name: 'Connect LinkedIn' })
        .isVisible(),
    ).toBe(true);
    await browser.screenshot('accounts-phone', PHONE);
    await browser.screenshot('accounts-desktop', DESKTOP);
    await page.setViewportSize(PHONE);

    await sandbox.getByRole('button', { name: 'Disconnect Sandbox' }).click();
    await sandbox.getByRole('button', { name: 'Yes, disconnect Sandbox' }).click();
    await page.getByRole('status').getByText('Sandbox disconnected').waitFor();
    await sandbox.getByLabel('Sandbox handle').fill('grace.again');
    await sandbox.getByRole('button', { name: 'Connect Sandbox' }).click();
    await page.getByRole('status').getByText('Sandbox connected.').waitFor();
    await sandbox.getByText('grace.again').waitFor();
    expect(browser.problems).toEqual([]);
  });

  it('warns before a connection stops working, and offers to reconnect', async () => {
    const { page } = browser;
    // The sandbox never expires; the real answer is given an end date three days away.
    const ends = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await page.route('**/me/connections', async (route) => {
      const answer = await route.fetch();
      const body = (await answer.json()) as { connections: { expiresAt?: string }[] };
      for (const connection of body.connections) connection.expiresAt = ends;
      await route.fulfill({ response: answer, json: body });
    });
    await page.reload();
    const sandbox = page.getByRole('region', { name: 'Sandbox' });
    await sandbox.getByText(/^Stops working on .+: reconnect before then\.$/).waitFor();
    expect(await sandbox.getByRole('button', { name: 'Reconnect Sandbox' }).isVisible()).toBe(true);
    await browser.screenshot('accounts-expiring-phone', PHONE);
    await page.unroute('**/me/connections');
    expect(browser.problems).toEqual([]);
  });

  it('shows when auto-share will post an upcoming campaign, and “don’t share this one” stops it', async () => {
    const { page } = browser;
    const people = scenario(runtime.apiUrl);
    const grace = await people.token('employee', GRACE.email, GRACE.name);
    // Auto-share on, every topic (the sharing test above narrowed them), not paused.
    await people.call('PUT', '/me/consent', grace, {
      networks: { sandbox: { autoShare: true } },
      topics: [],
      paused: false,
    });
    await people.suggestedPost(UPCOMING, 'Our summer party is on: see you there!', {
      upcoming: true,
    });
    await page.getByRole('link', { name: 'Feed' }).click();
    const post = page.getByRole('article', { name: UPCOMING });
    await post.getByText(/^Auto-share posts this on Sandbox .+\.$/).waitFor();
    expect(await post.getByRole('button', { name: 'Share on Sandbox' }).count()).toBe(0);
    await browser.screenshot('feed-auto-share-phone', PHONE);
    await post.getByRole('button', { name: 'Don’t share this one' }).click();
    await post.getByText('Sandbox: you chose not to share this one.').waitFor();
    expect(await post.getByRole('button', { name: 'Don’t share this one' }).count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
