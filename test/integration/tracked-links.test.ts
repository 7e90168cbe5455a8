import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { redirectClick } from '#functions/click-redirect/redirect';
import { publishShare } from '#functions/share-worker/publish-share';
import { shareIdFor } from '#shared/ids';
import { linkCodeFor } from '#shared/links/tracked-link';
import { createNetworkRegistry } from '#shared/networks/registry';
import { findSandboxPost } from '#shared/networks/sandbox';
import { createLinkStore } from '#shared/store/links';
import { createShareStack } from '../fixtures/share-stack';
import { type Arranged, arrangeCampaign } from '../fixtures/sharing';
import { TABLE } from './setup';

const links = createLinkStore(TABLE);
const deps = { links, now: () => new Date() };
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36';
const visit = (code: string, method = 'GET', userAgent: string | null = BROWSER) =>
  redirectClick(
    {
      pathParameters: { code },
      headers: userAgent ? { 'user-agent': userAgent } : {},
      requestContext: { http: { method } },
    } as unknown as APIGatewayProxyEventV2,
    deps,
  );

let arranged: Arranged;
let shareId: string;

beforeAll(async () => {
  const stack = createShareStack({
    table: TABLE,
    queueUrl: 'unused',
    deadLetterUrl: 'unused',
    publish: async () => {},
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
    expect((await links.get(code))?.clicks).toBe(1);
  });

  it('counts concurrent clicks exactly', async () => {
    const code = linkCodeFor(shareId);
    const before = (await links.get(code))?.clicks ?? 0;
    await Promise.all(Array.from({ length: 40 }, () => visit(code)));
    expect((await links.get(code))?.clicks).toBe(before + 40);
  });

  it('answers 404 for an unknown or malformed code', async () => {
    expect((await visit('ZZZZZZZZZZ')).statusCode).toBe(404);
    expect((await visit('../../etc')).statusCode).toBe(404);
  });
});
