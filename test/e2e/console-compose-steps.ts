import { setTimeout as sleep } from 'node:timers/promises';
import type { Locator, Page } from 'playwright-core';
import type { scenario } from './console-scenario';

/**
 * What marketing's browser tests share: signing in on the local sign-in page, reading the
 * compose screen's preview, and the post as the API holds it, moved through its review stages.
 */
type Scenario = ReturnType<typeof scenario>;

/** ARIA 1.3's `mark` role (what <mark> is): Playwright matches it; its types predate it. */
export const MARK = 'mark' as Parameters<Page['getByRole']>[0];

export interface PostState {
  postId: string;
  version: number;
  status: string;
  title: string;
  review?: { currentStage: number; stages: { role: string }[] };
  [field: string]: unknown;
}

export interface Person {
  email: string;
  name: string;
}

/** Opens `url` and signs in on the local sign-in page as a marketer (and nothing else). */
export const signInAsMarketer = async (page: Page, url: string, person: Person) => {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Sign in to Chorus (local)' }).waitFor();
  await page.getByLabel('Email').fill(person.email);
  await page.getByLabel('Name').fill(person.name);
  await page.getByLabel('marketing').check();
  await page.getByLabel('employee').uncheck();
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** The length a network counts as the preview shows it ("123 of 280 characters"). */
export const counted = async (figure: Locator) => {
  const line = (await figure.getByText(/ of \d+ (characters|code points)/).textContent()) ?? '';
  return Number(/^(\d+) of/.exec(line)?.[1]);
};

/** The post the compose screen shows, from its address (`/console/posts/<postId>`). */
export const postIdOf = (page: Page) =>
  decodeURIComponent(/\/console\/posts\/([^/]+)$/.exec(page.url())?.[1] ?? '');

export const readPost = async (api: Scenario, postId: string, token: string) =>
  (await api.call<{ post: PostState }>('GET', `/posts/${postId}`, token)).post;

/**
 * Approves a submitted post through the API, stage by stage as the approval policy asks: each
 * stage by the reviewer given for its role (marketing's four eyes, then legal if it is
 * regulated), once the compliance check has let the review start. Answers the approved post.
 */
export const approveThroughStages = async (
  api: Scenario,
  postId: string,
  reviewers: Record<string, string>,
) => {
  const deadline = Date.now() + 30_000;
  const anyone = Object.values(reviewers)[0] ?? '';
  for (;;) {
    const post = await readPost(api, postId, anyone);
    if (post.status === 'approved') return post;
    const stage = post.review?.stages[post.review.currentStage];
    if (post.status === 'in_review' && stage) {
      const reviewer = reviewers[stage.role];
      if (!reviewer) throw new Error(`no reviewer given for the ${stage.role} stage`);
      await api.call('POST', `/posts/${postId}/approve`, reviewer, { version: post.version });
    } else if (!['submitted', 'compliance_checked', 'in_review'].includes(post.status)) {
      throw new Error(`post ${postId} is ${post.status}, not on its way to approval`);
    }
    if (Date.now() > deadline) throw new Error(`post ${postId} stuck in ${post.status}`);
    await sleep(200);
  }
};
