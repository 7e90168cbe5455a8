import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsReport } from '#shared/analytics/report';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * Marketing's analytics dashboard in a real browser against `npm start`'s runtime: two people
 * share a campaign's post; before any engagement reading the dashboard says EMV is not measured
 * yet, after the poller's reading it shows the figures, each labelled with its source and basis;
 * a chart (uPlot, loaded on this screen only) with its table view; a table's CSV as the API
 * writes it; and a thanks to the top advocate.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;
let marketing: string;
let campaignId: string;

const PEOPLE = [
  { email: 'grace.analytics@example.com', name: 'Grace Hopper' },
  { email: 'alan.analytics@example.com', name: 'Alan Turing' },
];
const TITLE = 'Our Lisbon office is open';
const CHART = 'Reach and impressions by day';

/** Polls the API every 200 ms until `check` gives something. */
const until = async <T>(what: string, check: () => Promise<T | undefined>, ms = 30_000) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
};

const campaignReport = async () =>
  (
    await api.call<{ analytics: AnalyticsReport }>(
      'GET',
      `/analytics?campaignId=${campaignId}`,
      marketing,
    )
  ).analytics;

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  for (const person of PEOPLE) await api.employee(person);
  ({ campaignId } = await api.suggestedPost(TITLE, 'Our Lisbon office opens today.'));
  for (const person of PEOPLE) {
    const own = await api.token('employee', person.email, person.name);
    await api.call('POST', '/me/shares', own, { campaignId, network: 'sandbox' });
  }
  marketing = await api.token('marketing', 'mia.analytics@example.com', 'Mia Marketing');
  await until('both shares published', async () =>
    (await campaignReport()).totals.shares.value === PEOPLE.length ? true : undefined,
  );
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('marketing’s analytics dashboard', () => {
  it('before any reading: EMV and the engagement rate are not measured yet, with the API’s note', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill('mia.analytics@example.com');
    await page.getByLabel('Name').fill('Mia Marketing');
    await page.getByLabel('marketing').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    const campaign = page.getByLabel('Campaign');
    await campaign.selectOption(
      (await campaign.locator('option', { hasText: TITLE }).getAttribute('value')) ?? '',
    );
    await page.getByRole('button', { name: 'Show report' }).click();

    const totals = page.getByRole('region', { name: 'Totals' });
    const emv = totals.locator('.stat').filter({ hasText: 'Earned media value' });
    await emv.getByText('not measured yet').waitFor();
    expect(await emv.textContent()).toContain('no engagement measured yet');
    expect(await emv.getByRole('button').textContent()).toBe('estimated');
    expect(browser.problems).toEqual([]);
  });

  it('after the poller’s reading: a chart with its name, its table view, and every figure labelled', async () => {
    const { page } = browser;
    await api.call('POST', '/_local/clock', undefined, { advanceMinutes: 60 });
    await until('an engagement reading', async () =>
      (await campaignReport()).totals.impressions.value ? true : undefined,
    );
    // Date-only ends, whole days in the browser's zone, `to` included: the day of the shares
    // (on the runtime's clock) lies within them.
    const { now } = await api.call<{ now: string }>('GET', '/_local/status', undefined);
    const day = (offset: number) =>
      new Date(Date.parse(now) + offset * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('From').fill(day(-1));
    await page.getByLabel('To (included)').fill(day(1));
    await page.getByRole('button', { name: 'Show report' }).click();

    const chart = page.getByRole('img', { name: CHART });
    await chart.waitFor();
    expect(await chart.evaluate((element) => element.tagName)).toBe('CANVAS');
    const described = await chart.getAttribute('aria-describedby');
    const description = await page.locator(`#${described}`).textContent();
    expect(description).toMatch(/Impressions \(measured\): highest/);
    // The legend tells the lines apart by their style, and says each one's source.
    const legend = page.getByRole('list', { name: `${CHART}: lines` });
    expect(await legend.textContent()).toContain('Potential reach (counted)');

    const totals = page.getByRole('region', { name: 'Totals' });
    const figure = (label: string) =>
      totals
        .locator('.stat')
        .filter({ has: page.getByRole('term').getByText(label, { exact: true }) });
    for (const [label, source] of [
      ['Impressions', 'measured'],
      ['Clicks', 'counted'],
      ['Potential reach', 'counted'],
      ['Earned media value', 'estimated'],
      ['Second-round reach', 'estimated'],
      ['Participation', 'counted'],
    ] as const) {
      expect(await figure(label).getByRole('button').textContent()).toBe(source);
    }
    expect(await figure('Earned media value').textContent()).toMatch(/\$\d/);
    // The basis shows when the label has focus (a keyboard, or a tap on a phone).
    const impressions = figure('Impressions');
    await impressions.getByRole('button', { name: 'measured' }).focus();
    const basis = impressions.getByRole('tooltip');
    expect(await basis.isVisible()).toBe(true);
    expect(await basis.textContent()).toMatch(/read from the networks for 2 of 2 shares/);

    await browser.screenshot('analytics-desktop', DESKTOP);
    await browser.screenshot('analytics-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    const toggle = page.getByRole('button', { name: `Table view of ${CHART}` });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    const chartFigure = page.getByRole('figure', { name: CHART });
    const table = chartFigure.getByRole('table');
    await table.waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual([
      'Day',
      'Potential reach (counted)',
      'Impressions (measured)',
    ]);
    expect(await table.getByRole('row').count()).toBeGreaterThan(1);
    expect(await page.getByRole('img', { name: CHART }).count()).toBe(0);
    expect(browser.problems).toEqual([]);
  });

  it('exports a table as the API’s CSV, each figure headed with its source', async () => {
    const { page } = browser;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download By network as CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('chorus-byNetwork.csv');
    const csv = readFileSync(await download.path(), 'utf8');
    const [header, row] = csv.split('\r\n');
    expect(header?.split(',')).toEqual(
      expect.arrayContaining([
        'network',
        'impressions (measured)',
        'clicks (counted)',
        'earnedMediaValueUsd (estimated)',
      ]),
    );
    expect(row).toMatch(/^sandbox,2,/);
    expect(browser.problems).toEqual([]);
  });

  it('shows the report by campaign and by segment, each with its CSV', async () => {
    const { page } = browser;
    const byCampaign = page.getByRole('region', { name: 'By campaign' });
    const campaignRow = byCampaign.getByRole('row').filter({ hasText: campaignId });
    expect(await campaignRow.getByRole('cell').first().textContent()).toBe(TITLE);
    await byCampaign.getByRole('button', { name: 'Download By campaign as CSV' }).waitFor();
    const bySegment = page.getByRole('region', { name: 'By segment (membership as of now)' });
    // Both people are in the scenario's sales segment now.
    const salesRow = bySegment.getByRole('row').filter({ hasText: 'Sales' });
    expect(await salesRow.getByRole('cell').first().textContent()).toBe('2');
    await bySegment
      .getByRole('button', { name: 'Download By segment (membership as of now) as CSV' })
      .waitFor();
    expect(browser.problems).toEqual([]);
  });

  it('offers a scope too large for one request as a background report, with a progress bar', async () => {
    const { page } = browser;
    // Seeding the 5,000 shares one request may read would take minutes: this one refusal is the
    // browser's stand-in for the API's. The background job, its progress and its report are real.
    await page.route(
      (url) => url.pathname === '/analytics',
      (route) =>
        route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'report_too_large',
              message:
                'This scope holds more than 5,000 shares: ask for it with POST /analytics/reports',
            },
          }),
        }),
      { times: 1 },
    );
    await page.getByRole('button', { name: 'Show report' }).click();
    await page
      .getByRole('alert')
      .getByText(/more than 5,000 shares/)
      .waitFor();
    // The browser logs the 422 it was answered; that is the point here.
    expect(browser.takeProblems()).toEqual([expect.stringMatching(/status of 422/)]);
    await page.getByRole('button', { name: 'Make this report in the background' }).click();
    await page.getByRole('progressbar', { name: 'Background report progress' }).waitFor();
    await page.getByRole('status').getByText('The background report is ready.').waitFor();
    await page.getByRole('img', { name: CHART }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Top advocates (top 10) as CSV' }).click(),
    ]);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toMatch(/^employeeId,name,shares \(counted\),/);
    expect(csv).toContain('Grace Hopper');
    expect(browser.problems).toEqual([]);
  });

  it('thanks an advocate from the leaderboard', async () => {
    const { page } = browser;
    const boards = page.getByRole('region', { name: 'Advocates and teams' });
    await boards.getByRole('button', { name: 'Thank Grace Hopper' }).click();
    await boards.getByLabel('Message to Grace Hopper').fill('Thank you for sharing Lisbon!');
    await boards.getByRole('button', { name: 'Send thanks' }).click();
    await boards.getByRole('status').getByText('Thanks sent to Grace Hopper.').waitFor();
    const grace = await api.token('employee', PEOPLE[0]?.email ?? '', PEOPLE[0]?.name);
    const mine = await api.call<{ thanks: { message: string }[] }>('GET', '/me/recognition', grace);
    expect(mine.thanks.map((t) => t.message)).toEqual(['Thank you for sharing Lisbon!']);
    expect(browser.problems).toEqual([]);
  });
});
