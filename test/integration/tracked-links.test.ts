import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishShare } from '#functions/share-worker/publish-share';
import { dynamo } from '#shared/aws';
import { shareIdFor } from '#shared/ids';
import { readerDayKey, readerDayOf, readerHash } from '#shared/links/click-counting';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import { keys } from '#shared/store/keys';
import { createLinkStore } from '#shared/store/links';
import {
  BROWSER,
  clickDependencies,
  readerIp,
  TEST_CLICK_KEY,
  visitLink,
} from '../fixtures/clicks';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const links = createLinkStore(TABLE);
const deps = clickDependencies(TABLE);
const visit = (code: string, method = 'GET', userAgent: string | null = BROWSER) =>
  visitLink(deps, code, { method, userAgent });
const clicksOn = async (code: string) => (await links.get(code))?.clicks ?? 0;

/** A link of its own, so a test's counts and hourly cap are nobody else's. */
const ownLink = async () => {
  const shareId = `shr_${randomUUID()}`;
  const code = linkCodeFor(shareId);
  await links.ensure({
    code,
    shareId,
    campaignId: 'cmp_links',
    postId: 'pst_links',
    employeeId: 'emp_links',
    network: 'sandbox',
    destination: 'https://acme.example/jobs',
    createdAt: new Date().toISOString(),
  });
  return code;
};

let arranged: Arranged;
let shareId: string;

beforeAll(async () => {
  const stack = createShareStack({
    table: TABLE,
    queueUrl: 'unused',
    deadLetterUrl: 'unused',
    networks: createNetworkRegistry(TABLE),
    leaseMs: 60_000,
  });
  arranged = await arrangeCampaign(stack.stores, { count: 1 });
  const employeeId = arranged.people[0]?.employeeId ?? '';
  shareId = shareIdFor(arranged.campaign.campaignId, employeeId, 'sandbox');
  const result = await publishShare(
    {
      shareId,
      campaignId: arranged.campaign.campaignId,
      postId: arranged.post.postId,
      employeeId,
      network: 'sandbox',
    },
    stack.worker,
  );
  expect(result).toMatchObject({ kind: 'done', share: { status: 'published' } });
});

describe('tracked links', () => {
  it('the posted text carries the share’s own link, not the destination', async () => {
    const posted = await findSandboxPost(TABLE, shareId);
    expect(posted?.text).toContain(`https://chorus.example/l/${linkCodeFor(shareId)}`);
    expect(posted?.text).not.toContain('https://acme.example/jobs');
  });

  it('a reader is sent on with the UTM parameters and counted; HEAD and preview bots are not counted', async () => {
    const code = linkCodeFor(shareId);
    const first = await visit(code);
    expect(first.statusCode).toBe(302);
    const location = new URL(String(first.headers?.location));
    expect(location.origin + location.pathname).toBe('https://acme.example/jobs');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      utm_source: 'sandbox',
      utm_medium: 'employee-advocacy',
      utm_campaign: arranged.campaign.campaignId,
      utm_content: shareId,
    });
    expect(first.headers?.['cache-control']).toBe('no-store');
    expect((await visit(code, 'HEAD')).statusCode).toBe(302);
    expect((await visit(code, 'GET', 'LinkedInBot/1.0 (compatible; Mozilla/5.0)')).statusCode).toBe(
      302,
    );
    expect((await visit(code, 'GET', null)).statusCode).toBe(302);
    expect(await clicksOn(code)).toBe(1);
  });

  it('40 distinct readers clicking at once count 40', async () => {
    const code = linkCodeFor(shareId);
    const before = await clicksOn(code);
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => visitLink(deps, code, { sourceIp: readerIp(1000 + n) })),
    );
    expect(await clicksOn(code)).toBe(before + 40);
  });

  it('one reader’s 40 clicks at once count once, and all of them are sent on', async () => {
    const code = await ownLink();
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => visitLink(deps, code, { sourceIp: '198.51.100.20' })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(40).fill(302));
    expect(await clicksOn(code)).toBe(1);
  });

  it('one reader’s 200 clicks count once whatever user agent each one claims', async () => {
    const code = await ownLink();
    for (let n = 0; n < 200; n++) {
      const userAgent = `Mozilla/5.0 (X11; Linux x86_64) Chrome/${100 + n}.0 Safari/537.36`;
      await visitLink(deps, code, { sourceIp: '198.51.100.21', userAgent });
    }
    expect(await clicksOn(code)).toBe(1);
  });

  it('an IPv6 reader is their /64: other addresses in it, or the IPv4-mapped form, are the same reader', async () => {
    const code = await ownLink();
    for (const sourceIp of [
      '2001:db8:1:2::1',
      '2001:db8:1:2:ffff::9',
      '2001:0db8:0001:0002::abcd',
    ]) {
      await visitLink(deps, code, { sourceIp });
    }
    await visitLink(deps, code, { sourceIp: '203.0.113.5' });
    await visitLink(deps, code, { sourceIp: '::ffff:203.0.113.5' });
    await visitLink(deps, code, { sourceIp: '2001:db8:1:3::1' });
    expect(await clicksOn(code)).toBe(3);
  });

  it('a reader counts again on a new day, when the day’s key has changed', async () => {
    const code = await ownLink();
    const day = Date.now();
    const on = (at: number) => clickDependencies(TABLE, { now: () => new Date(at) });
    await visitLink(on(day), code, { sourceIp: '198.51.100.22' });
    await visitLink(on(day), code, { sourceIp: '198.51.100.22' });
    await visitLink(on(day + 86_400_000), code, { sourceIp: '198.51.100.22' });
    expect(await clicksOn(code)).toBe(2);
  });

  it('stores a reader as a keyed hash that expires, never as their address', async () => {
    const code = await ownLink();
    const at = new Date();
    await visitLink(deps, code, { sourceIp: '198.51.100.23' });
    const hash = readerHash(readerDayKey(TEST_CLICK_KEY, readerDayOf(at)), code, '198.51.100.23');
    const { Item } = await dynamo().send(
      new GetCommand({ TableName: TABLE, Key: keys.linkReader(hash) }),
    );
    expect(Item).toBeDefined();
    expect(JSON.stringify(Item)).not.toContain('198.51.100.23');
    // DynamoDB TTL removes it within two days: a day after its own day ends.
    expect(Item?.ttl).toBeGreaterThan(at.getTime() / 1000 + 86_400);
    expect(Item?.ttl).toBeLessThanOrEqual(at.getTime() / 1000 + 2 * 86_400);
  });

  it('counts at most the cap per link and hour; beyond it readers are sent on uncounted; a new hour counts again', async () => {
    const code = await ownLink();
    const hour = Date.parse(`${new Date().toISOString().slice(0, 13)}:00:00.000Z`);
    const capped = (at: number) =>
      clickDependencies(TABLE, { rules: { countedPerLinkPerHour: 5 }, now: () => new Date(at) });
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        visitLink(capped(hour + 60_000), code, { sourceIp: readerIp(2000 + n) }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(302));
    expect(await clicksOn(code)).toBe(5);
    await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        visitLink(capped(hour + 3_660_000), code, { sourceIp: readerIp(3000 + n) }),
      ),
    );
    expect(await clicksOn(code)).toBe(10);
  });

  it('sends the reader on when counting fails, and counts nothing', async () => {
    const code = await ownLink();
    const broken = {
      ...deps,
      readers: () => Promise.reject(new Error('Secrets Manager is unreachable')),
    };
    const answer = await visitLink(broken, code, { sourceIp: '198.51.100.24' });
    expect(answer.statusCode).toBe(302);
    expect(answer.headers?.location).toBe('https://acme.example/jobs');
    expect(await clicksOn(code)).toBe(0);
  });

  it('answers 404 for an unknown or malformed code', async () => {
    expect((await visit('ZZZZZZZZZZ')).statusCode).toBe(404);
    expect((await visit('../../etc')).statusCode).toBe(404);
  });
});
