import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { campaignScenario } from './campaign-scenario';
import {
  approveThroughStages,
  counted,
  MARK,
  postIdOf,
  readPost,
  signInAsMarketer,
} from './console-compose-steps';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's journey in a real browser against `npm start`'s runtime, from a blank post to a
 * campaign sent: composing two variants while the final text each network receives updates as
 * they type (disclaimer and disclosure placed, length as the network counts it), a risky phrase
 * marked as it is typed and gone when it is removed, save and submit; legal's approval (and
 * marketing's four eyes) through the API; then, from the post's page, scheduling a campaign after
 * its preview (recipients, fees, the compliance verdict), and the campaign page following the
 * shares to 30 published once the local clock reaches the campaign's time.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;
/** The thirty people who will receive the campaign, set up while marketing composes. */
let audience: Promise<void>;
let postId: string;

const MIA = { email: 'mia.journey@example.com', name: 'Mia Marketing' };
const TITLE = 'Global Equity Fund opens';
const URL_IN_COPY = 'https://acme.example/funds/global-equity-2026-launch';
const FIRST = 'Our Global Equity Fund opens today, {{employee.firstName}}.';
const SECOND = `Our fund opens today: ${URL_IN_COPY}`;
const RISKY = ' We guarantee returns.';
const PEOPLE = 30;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  await api.salesSegment();
  // Thirty people's sign-ins, connections and consents take about 10 s on an idle machine (a few
  // times that when the two cores are shared): they are made while the browser composes, and
  // awaited before the preview that counts them.
  audience = campaignScenario(api).autoSharers(PEOPLE, 'seller');
  audience.catch(() => undefined);
  browser = await openBrowser();
}, 120_000);

afterAll(async () => {
  await audience?.catch(() => undefined);
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s journey from a blank post to a sent campaign, in a browser', () => {
  it('composes two variants, sees each network’s final text and a risky phrase’s finding as they type, removes it, saves and submits', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await signInAsMarketer(page, `${runtime.apiUrl}/console/posts/new`, MIA);
    await page.getByRole('heading', { name: 'New post', level: 1 }).waitFor();

    await page.getByLabel('Title').fill(TITLE);
    const first = page.getByRole('group', { name: 'Variant 1', exact: true });
    await first.getByLabel('Copy of variant 1').fill(FIRST);
    await first.getByLabel('LinkedIn').check();
    await first.getByLabel('Sandbox').check();
    await page.getByRole('button', { name: 'Add a variant' }).click();
    const second = page.getByRole('group', { name: 'Variant 2', exact: true });
    const secondCopy = second.getByLabel('Copy of variant 2');
    await secondCopy.fill(SECOND);
    await second.getByLabel('X', { exact: true }).check();

    // The texts as LinkedIn and X will receive them: the disclosure placed, the field filled.
    const linkedin = page.getByRole('figure', { name: 'Variant 1 on LinkedIn' });
    const x = page.getByRole('figure', { name: 'Variant 2 on X' });
    await linkedin.getByText('#AcmeEmployee — views my own.').waitFor();
    expect(await linkedin.getByRole('blockquote').textContent()).toContain(
      'Our Global Equity Fund opens today, Alexandrina.',
    );
    await page.getByRole('figure', { name: 'Variant 1 on Sandbox' }).waitFor();
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
    await secondCopy.press('End');
    await secondCopy.pressSequentially(RISKY);
    // Typing pauses may show a check of part of the phrase first: wait for the whole of it.
    await x.getByRole('blockquote').filter({ hasText: RISKY.trim() }).waitFor();
    const mark = x.getByRole(MARK).filter({ hasText: 'guarantee' });
    await mark.waitFor();
    expect(await mark.textContent()).toBe('guarantee');
    expect(await counted(x)).toBe(before + RISKY.length);
    const findings = x.getByRole('list', { name: 'Findings in Variant 2 on X' });
    await findings.getByText(/lexicon\.guarantee/).waitFor();
    expect(await linkedin.getByRole(MARK).count()).toBe(0);
    await page
      .getByRole('status')
      .getByText(/this draft needs legal’s review/)
      .waitFor();
    await browser.screenshot('compose-new-desktop', DESKTOP);
    await browser.screenshot('compose-new-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    // Marketing takes the promise out again: the finding goes with it.
    await secondCopy.fill(SECOND);
    await findings.waitFor({ state: 'detached' });
    expect(await counted(x)).toBe(before);
    expect(await x.getByRole(MARK).count()).toBe(0);

    // Target segments are the defined ones, with their member counts.
    await page.getByRole('checkbox', { name: /^Sales \(sales\) · \d+ (person|people)$/ }).check();
    // X's copy only for the sales segment's members (none ticked: every target segment).
    await second.getByRole('checkbox', { name: 'Variant 2 for segment sales' }).check();

    await page.getByRole('button', { name: 'Save as draft' }).click();
    await page.getByRole('status').getByText('Saved version 1 as a draft.').waitFor();
    postId = postIdOf(page);
    expect(postId).not.toBe('');
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Submit for review' }).click();
    await page.getByRole('status').getByText('Submitted version 1 for review.').waitFor();
    // The screen follows the check into review and says who it waits on.
    const state = page.getByRole('region', { name: 'Review' });
    await state.getByText(/Stage 1 of \d+: .+, waiting on /).waitFor();

    const author = await api.token('marketing', MIA.email, MIA.name);
    const saved = await readPost(api, postId, author);
    expect(saved).toMatchObject({ version: 1, status: 'in_review', title: TITLE });
    expect(saved.topics).toEqual(['funds']);
    expect(saved.variants).toEqual([
      { text: FIRST, networks: ['linkedin', 'sandbox'] },
      { text: SECOND, networks: ['x'], segments: ['sales'] },
    ]);
    expect(saved.segments).toEqual(['sales']);
    await browser.screenshot('compose-in-review-desktop', DESKTOP);
    await browser.screenshot('compose-in-review-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('once approved, goes from the posts list to the post and on to a campaign’s preview: 30 recipients on Sandbox, the policy passes it', async () => {
    const { page } = browser;
    // Marketing's four eyes and legal, through the API, as the approval policy asks.
    await approveThroughStages(api, postId, {
      marketing: await api.token('marketing', 'max.journey@example.com', 'Max Marketing'),
      legal: await api.token('legal', 'lou.journey@example.com', 'Lou Legal'),
    });

    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Posts' })
      .click();
    const row = page
      .getByRole('list', { name: 'Posts' })
      .getByRole('listitem')
      .filter({
        has: page.getByRole('link', { name: TITLE, exact: true }),
      });
    const fromList = row.getByRole('link', { name: `Schedule a campaign for ${TITLE}` });
    await fromList.waitFor();
    expect(await fromList.getAttribute('href')).toBe(
      `/console/campaigns/new?post=${encodeURIComponent(postId)}`,
    );

    await row.getByRole('link', { name: TITLE, exact: true }).click();
    await page.getByRole('heading', { name: TITLE, level: 1 }).waitFor();
    await page
      .getByRole('region', { name: 'Review' })
      .getByText(/^Approved /)
      .waitFor();
    await page.getByRole('link', { name: 'Schedule a campaign' }).click();
    await page.getByRole('heading', { name: 'Schedule a campaign', level: 1 }).waitFor();
    await page.getByText(`Post: ${TITLE}`).waitFor();

    await audience;
    expect(await page.getByLabel('Sandbox').isChecked()).toBe(true);
    await page.getByLabel('Stagger window (minutes)').fill('0');
    expect(await page.getByRole('button', { name: 'Schedule' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Preview' }).click();
    const recipients = page.getByRole('list', { name: 'Recipients per network' });
    await recipients.getByText(`${PEOPLE} recipients`).waitFor();
    expect(await recipients.getByRole('heading', { name: 'Sandbox' }).count()).toBe(1);
    await page
      .getByText(/^The compliance policy in force \(version \d+\) passes every text/)
      .waitFor();
    await page.getByText(/^Network fees: \$0\.00/).waitFor();
    await browser.screenshot('campaign-schedule-desktop', DESKTOP);
    await browser.screenshot('campaign-schedule-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('schedules it, and the campaign page follows the shares to 30 published by itself', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByRole('heading', { name: 'Campaign', level: 1 }).waitFor();
    const shares = page.getByRole('status').filter({ hasText: /published/ });
    await shares.filter({ hasText: '0 published, 0 pending' }).waitFor();
    await page.getByText(/^Scheduled · /).waitFor();
    await page.getByRole('button', { name: 'Reschedule' }).waitFor();

    // The campaign's time comes: the local clock moves past it, and the page updates itself.
    await api.call('POST', '/_local/clock', undefined, { advanceMinutes: 10 });
    await shares
      .filter({ hasText: `${PEOPLE} published, 0 pending, 0 failed, 0 skipped, 0 unknown` })
      .waitFor({ timeout: 60_000 });
    await page.getByText(/^Sent out · /).waitFor();
    expect(await page.getByRole('region', { name: 'Shares to resolve' }).count()).toBe(0);
    await browser.screenshot('campaign-live-desktop', DESKTOP);
    await browser.screenshot('campaign-live-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    await page.getByRole('link', { name: 'All campaigns' }).click();
    const listed = page.getByRole('list', { name: 'Campaigns' });
    await listed.getByRole('link', { name: TITLE }).waitFor();
    await page.getByLabel('Status').selectOption('cancelled');
    await page.getByText('No campaigns here.').waitFor();
    await browser.screenshot('campaigns-list-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    // Scheduled now: the posts list no longer offers to schedule it.
    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Posts' })
      .click();
    const row = page
      .getByRole('list', { name: 'Posts' })
      .getByRole('listitem')
      .filter({
        has: page.getByRole('link', { name: TITLE, exact: true }),
      });
    await row.getByText('Scheduled', { exact: true }).waitFor();
    expect(await row.getByRole('link', { name: /^Schedule a campaign/ }).count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });
});
