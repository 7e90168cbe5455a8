import { createHash } from 'node:crypto';
import { z } from 'zod';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CODE_LENGTH = 10;

export const LinkCode = z.string().regex(/^[0-9A-Za-z]{10}$/, 'a tracked-link code');

/**
 * A share's own short code: fixed by the share id, so every attempt at a share renders the same
 * link, and 10 base62 characters (~59 bits), so codes cannot be walked to inflate counts.
 */
export const linkCodeFor = (shareId: string): string => {
  let value = BigInt(
    `0x${createHash('sha256').update(`link\u0000${shareId}`).digest('hex').slice(0, 16)}`,
  );
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) {
    code += BASE62.charAt(Number(value % 62n));
    value /= 62n;
  }
  return code;
};

/** Where a click lands: the post's link with the share's UTM parameters, others kept. */
export const destinationWithUtm = (
  link: string,
  share: { network: string; campaignId: string; shareId: string },
): string => {
  const url = new URL(link);
  url.searchParams.set('utm_source', share.network);
  url.searchParams.set('utm_medium', 'employee-advocacy');
  url.searchParams.set('utm_campaign', share.campaignId);
  url.searchParams.set('utm_content', share.shareId);
  return url.toString();
};

/**
 * Networks fetch every posted link to build its preview card; those fetches are not readers.
 * Matched on the crawlers' published user agents (and generic bot words).
 */
const PREVIEW_AGENTS =
  /facebookexternalhit|facebot|twitterbot|linkedinbot|slackbot|discordbot|telegrambot|whatsapp|skypeuripreview|applebot|googlebot|bingbot|embedly|pinterest|redditbot|mastodon\/|pleroma|misskey|akkoma|bluesky|cardyb|iframely|\bbot\b|crawler|spider|preview/i;

export const isLinkPreviewAgent = (userAgent: string | undefined): boolean =>
  !userAgent || PREVIEW_AGENTS.test(userAgent);

export const TrackedLink = z.object({
  code: LinkCode,
  shareId: z.string(),
  campaignId: z.string(),
  postId: z.string(),
  employeeId: z.string(),
  network: z.string(),
  destination: z.url(),
  clicks: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  lastClickAt: z.iso.datetime().optional(),
});
export type TrackedLink = z.infer<typeof TrackedLink>;
