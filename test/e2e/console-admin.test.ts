import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, PHONE, type TestBrowser } from '../browser/browser';
import { scenario } from './console-scenario';
import { type RunningRuntime, startRuntimeProcess } from './local-runtime';

/**
 * The admin's directory and segments in a real browser against `npm start`'s runtime: a CSV
 * import with a bad row followed by its progress bar to the end and the row's rejection shown;
 * an imported person found by email and edited, a stale edit met by the reload prompt; a segment
 * built by rule with its live count matching the API's, then saved.
 */
let runtime: RunningRuntime;
let browser: TestBrowser;
let api: ReturnType<typeof scenario>;

const ADMIN = 'ada.directory@example.com';
const CSV = [
  'email,name,department,location,groups,jurisdiction',
  'ivy.import@example.com,Ivy Import,Imports,Leeds,crew;north,GB',
  'ian.import@example.com,Ian Import,Imports,York,crew,GB',
  'not-an-email,Nobody Valid,Imports,Leeds,,GB',
  'ida.import@example.com,Ida Import,Imports,Leeds,,GB',
  'olga.other@example.com,Olga Other,Finance,Leeds,,GB',
].join('\n');

beforeAll(async () => {
  runtime = await startRuntimeProcess();
  api = scenario(runtime.apiUrl);
  browser = await openBrowser();
});

afterAll(async () => {
  await browser?.close();
  await runtime?.stop();
});

describe('the admin’s directory and segments in a browser', () => {
  it('signs an admin in and opens the directory from the navigation', async () => {
    const { page } = browser;
    await page.setViewportSize(DESKTOP);
    await page.goto(`${runtime.apiUrl}/console`);
    await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN);
    await page.getByLabel('Name').fill('Ada Directory');
    await page.getByLabel('admin').check();
    await page.getByLabel('employee').uncheck();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Welcome, Ada Directory' }).waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Directory' }).click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it('imports a CSV with a bad row: the progress bar finishes, the row is rejected with its line and reason', async () => {
    const { page } = browser;
    await page.getByLabel('CSV file').setInputFiles({
      name: 'directory.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(CSV),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').getByText('Import finished: 5 of 5 rows processed.').waitFor({
      timeout: 30_000,
    });
    const bar = page.getByLabel('Import progress');
    expect(await bar.evaluate((el) => el.tagName)).toBe('PROGRESS');
    expect(await bar.getAttribute('value')).toBe('5');
    expect(await bar.getAttribute('max')).toBe('5');
    await page.getByText('4 people added, 0 updated, 0 unchanged, 1 row rejected.').waitFor();
    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    const row = rejected.getByRole('row').filter({ hasText: 'Line 4' });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/email: .*email/i);
    await browser.screenshot('admin-import-desktop', DESKTOP);
    await browser.screenshot('admin-import-phone', PHONE);
    await page.setViewportSize(DESKTOP);
    expect(browser.problems).toEqual([]);
  });

  it('finds an imported person by email and edits them; a stale edit shows the reload prompt', async () => {
    const { page } = browser;
    await page.getByLabel('Name or email').fill('ian.import@example.com');
    await page.getByRole('button', { name: 'Search' }).click();
    const people = page.getByRole('table', { name: /Found by email/ });
    await people.getByRole('rowheader', { name: 'Ian Import' }).waitFor();
    await expect.poll(() => people.getByRole('row').count()).toBe(2);

    await page.getByRole('button', { name: 'Edit Ian Import' }).click();
    const form = page.getByRole('form', { name: 'Edit Ian Import' });
    await form.getByLabel('Location').fill('Hull');
    // Someone else saves the entry meanwhile: the version the form holds is stale.
    const admin = await api.token('admin', ADMIN);
    const { employees } = await api.call<{ employees: { employeeId: string }[] }>(
      'GET',
      '/employees?email=ian.import%40example.com',
      admin,
    );
    const employeeId = employees[0]?.employeeId;
    await api.call('PATCH', `/employees/${employeeId}`, admin, {
      version: 1,
      department: 'Imports',
    });
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').getByText('Someone changed Ian Import').waitFor();
    expect(browser.takeProblems().every((p) => p.includes('409'))).toBe(true);
    await form.getByRole('button', { name: 'Reload the entry' }).click();
    // Exactly the form's version line (the server's 409 message names the version too).
    await form.getByText('Version 2', { exact: true }).waitFor();
    await form.getByLabel('Location').fill('Hull');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').getByText('Ian Import was saved (version 3).').waitFor();
    await people.getByRole('cell', { name: 'Hull' }).waitFor();
    expect(browser.problems).toEqual([]);
  });

  it('builds a segment by rule with a live count that matches the API, and saves it', async () => {
    const { page } = browser;
    await page.getByRole('navigation').getByRole('link', { name: 'Segments' }).click();
    await page.getByRole('heading', { name: 'Segments', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New segment' }).click();
    const builder = page.getByRole('form', { name: 'New segment' });
    await builder.getByLabel('Name').fill('Import crew');
    expect(await builder.getByLabel('Segment id').inputValue()).toBe('import-crew');

    const first = builder.getByRole('group', { name: 'Condition 1' });
    await first.getByLabel('is one of').fill('imports');
    const count = builder.locator('.member-count');
    await count.getByText('3 people').waitFor();
    await builder.getByRole('button', { name: 'Add condition' }).click();
    const second = builder.getByRole('group', { name: 'Condition 2' });
    await second.getByLabel('Attribute').selectOption('location');
    await second.getByLabel('is one of').fill('Leeds');
    await count.getByText('2 people').waitFor();
    const shown = builder.getByRole('list', { name: 'First members by name' });
    expect(await shown.getByRole('listitem').allTextContents()).toEqual([
      'Ida Import ida.import@example.com',
      'Ivy Import ivy.import@example.com',
    ]);
    const rule = {
      all: [
        { attribute: 'department', in: ['imports'] },
        { attribute: 'location', in: ['Leeds'] },
      ],
    };
    const marketer = await api.token('marketing', 'mia.directory@example.com');
    const answer = await api.call<{ count: number; complete: boolean }>(
      'POST',
      '/segments/preview',
      marketer,
      { rule },
    );
    expect(answer).toMatchObject({ count: 2, complete: true });
    await browser.screenshot('admin-segments-desktop', DESKTOP);
    // The page is taller than a phone's screen: let the resized layout paint before taking it.
    await page.setViewportSize(PHONE);
    await page.evaluate(
      'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))',
    );
    await browser.screenshot('admin-segments-phone', PHONE);
    await page.setViewportSize(DESKTOP);

    await builder.getByRole('button', { name: 'Save segment' }).click();
    await page
      .getByRole('status')
      .getByText('Saved Import crew (import-crew): 2 members.')
      .waitFor();
    await page.getByRole('rowheader', { name: /Import crew/ }).waitFor();
    const { segments } = await api.call<{ segments: { segmentId: string; rule?: unknown }[] }>(
      'GET',
      '/segments',
      marketer,
    );
    expect(segments.find((s) => s.segmentId === 'import-crew')?.rule).toEqual(rule);
    expect(browser.problems).toEqual([]);
  });

  it('refuses a list of members with an unknown email, naming it', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'New segment' }).click();
    const builder = page.getByRole('form', { name: 'New segment' });
    await builder.getByLabel('Name').fill('Listed');
    await builder.getByLabel('A list of people by email').check();
    await builder.getByLabel(/^Emails/).fill('ivy.import@example.com\nghost.import@example.com');
    const unknown = builder.getByRole('list', { name: 'Emails not in the directory' });
    await unknown.getByText('ghost.import@example.com').waitFor();
    expect(await unknown.getByRole('listitem').count()).toBe(1);
    // The live preview's 400 is what the browser reports; that is the point here.
    expect(browser.takeProblems().every((p) => p.includes('400'))).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
