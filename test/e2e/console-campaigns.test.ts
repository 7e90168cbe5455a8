import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { campaignScenario } from './campaign-scenario';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's campaigns in a real browser against `npm start`'s runtime: from an approved post,
 * the schedule page's preview (recipients, fees, the compliance verdict), scheduling, and the
 * campaign page following the shares live once the local clock reaches the campaign's time.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;

const TITLE = 'We are hiring in sales';
const PEOPLE = 30;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  const setUp = campaignScenario(api);
  await setUp.autoSharers(PEOPLE, 'seller');
  await setUp.approvedPost(TITLE, 'Our sales team is growing: come and work with us.');
  browser = await openBrowser();
  // Thirty people's sign-ins, connections and consents: about 10 s on an idle machine, and a
  // few times that when the two cores are shared with other work.
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s campaigns in a browser', () => {
  it('previews a campaign from an approved post: 30 recipients on Sandbox, the policy passes it', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('mia.campaigns@example.com');
    await page.getByLabel('Name').fill('Mia Marketing');
    await page.getByLabel('marketing').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Mia Marketing' }).waitFor();

    await page
      .getByRole('navigation', { name: 'Console' })
      .getByRole('link', { name: 'Campaigns' })
      .click();
    await page.getByRole('heading', { name: 'Campaigns', level: 1 }).waitFor();
    await page.getByText('No campaigns here.').waitFor();
    await page.getByRole('link', { name: 'Schedule a campaign' }).click();
    await page.getByRole('heading', { name: 'Schedule a campaign' }).waitFor();
    await page
      .getByRole('list', { name: 'Approved posts' })
      .getByRole('link', { name: TITLE })
      .click();
    await page.getByText(`Post: ${TITLE}`).waitFor();

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
    expect(browser.problems).toEqual([]);
  });
});
