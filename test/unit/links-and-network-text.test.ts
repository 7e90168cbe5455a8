import { describe, expect, it } from 'vitest';
import { destinationWithUtm, isLinkPreviewAgent, linkCodeFor } from '#shared/links/tracked-link';
import { facetsOf, recordKeyFor } from '#shared/networks/bluesky-record';
import { secondsToUtcMidnight, waitSeconds } from '#shared/networks/http';
import { toLittleText } from '#shared/networks/little-text';
import { instanceOrigin } from '#shared/networks/mastodon';
import { createOutboundClient } from '#shared/outbound/client';

describe('tracked links', () => {
  it('gives each share one stable 10-character code', () => {
    expect(linkCodeFor('shr_a')).toMatch(/^[0-9A-Za-z]{10}$/);
    expect(linkCodeFor('shr_a')).toBe(linkCodeFor('shr_a'));
    expect(new Set(Array.from({ length: 5000 }, (_, i) => linkCodeFor(`shr_${i}`))).size).toBe(
      5000,
    );
  });

  it('adds the share’s UTM parameters and keeps the page’s own', () => {
    const url = new URL(
      destinationWithUtm('https://acme.example/jobs?team=eng#open', {
        network: 'linkedin',
        campaignId: 'cmp_1',
        shareId: 'shr_1',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      team: 'eng',
      utm_source: 'linkedin',
      utm_medium: 'employee-advocacy',
      utm_campaign: 'cmp_1',
      utm_content: 'shr_1',
    });
    expect(url.hash).toBe('#open');
  });

  it('tells link-preview crawlers from readers', () => {
    for (const bot of [
      'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
      'Twitterbot/1.0',
      'facebookexternalhit/1.1',
      'Mastodon/4.3.0 (http.rb/5.2.0; +https://mastodon.social/)',
      'Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)',
      'Slackbot-LinkExpanding 1.0',
      undefined,
    ]) {
      expect(isLinkPreviewAgent(bot)).toBe(true);
    }
    expect(
      isLinkPreviewAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15',
      ),
    ).toBe(false);
  });
});

describe('what each network needs of a text', () => {
  it('LinkedIn: escapes every reserved character, keeps hashtags as hashtags', () => {
    expect(toLittleText('a\\b|c{d}e@f[g]h(i)j<k>l*m_n~o')).toBe(
      'a\\\\b\\|c\\{d\\}e\\@f\\[g\\]h\\(i\\)j\\<k\\>l\\*m\\_n\\~o',
    );
    expect(toLittleText('#Hiring now, issue #12 and C#')).toBe(
      '{hashtag|\\#|Hiring} now, issue \\#12 and C\\#',
    );
  });

  it('Bluesky: link and tag facets count UTF-8 bytes; record keys are valid, stable TIDs', () => {
    const text = 'é https://a.example/x. #Tag';
    const [link, tag] = facetsOf(text);
    expect(link?.index).toEqual({ byteStart: 3, byteEnd: 22 });
    expect(link?.features[0]).toEqual({
      $type: 'app.bsky.richtext.facet#link',
      uri: 'https://a.example/x',
    });
    expect(tag?.index).toEqual({ byteStart: 24, byteEnd: 28 });
    const at = new Date('2026-11-22T10:00:00Z');
    expect(recordKeyFor(at, 'shr_1')).toMatch(
      /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/,
    );
    expect(recordKeyFor(at, 'shr_1')).toBe(recordKeyFor(at, 'shr_1'));
    expect(recordKeyFor(at, 'shr_1')).not.toBe(recordKeyFor(at, 'shr_2'));
    expect(recordKeyFor(new Date(at.getTime() + 1), 'shr_1') > recordKeyFor(at, 'shr_1')).toBe(
      true,
    );
  });

  it('reads each network’s reset format, and LinkedIn’s daily reset at UTC midnight', () => {
    const now = new Date('2026-11-22T23:00:00Z');
    const headers = (h: Record<string, string>) => new Headers(h);
    expect(waitSeconds(headers({ 'retry-after': '42' }), now, undefined, 60)).toBe(42);
    expect(
      waitSeconds(
        headers({ 'x-rate-limit-reset': String(now.getTime() / 1000 + 300) }),
        now,
        'x-rate-limit-reset',
        60,
      ),
    ).toBe(300);
    expect(
      waitSeconds(
        headers({ 'x-ratelimit-reset': '2026-11-22T23:05:00.000Z' }),
        now,
        'x-ratelimit-reset',
        60,
      ),
    ).toBe(300);
    expect(waitSeconds(headers({}), now, 'x-rate-limit-reset', 60)).toBe(60);
    expect(secondsToUtcMidnight(now)).toBe(3600);
  });

  it('Mastodon: only public https servers are called', () => {
    const strict = createOutboundClient();
    expect(instanceOrigin('mastodon.social', strict)).toBe('https://mastodon.social');
    expect(instanceOrigin('https://hachyderm.io/@someone', strict)).toBe('https://hachyderm.io');
    for (const bad of [
      'http://mastodon.social',
      'https://10.0.0.1',
      'https://localhost:3000',
      'localhost.',
      'a.localhost',
      'https://[::ffff:127.0.0.1]',
      'https://169.254.169.254',
      'https://intranet',
      'not a url ::',
    ]) {
      expect(instanceOrigin(bad, strict)).toBeUndefined();
    }
  });
});
