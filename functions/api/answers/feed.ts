import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';
import { Personalisation, PersonalisationStatus } from '#shared/personalisations/personalisation';
import { RenderedText } from '#shared/shares/rendered-text';
import { Share } from '#shared/shares/share';
import { IntentNetwork } from '#shared/sharing/intents';

/*
 * What GET /me/feed and POST /me/shares answer. Schemas only (zod and pure schemas, no node
 * code), so the console types its calls with these very shapes through type-only imports.
 */

export const FeedNetwork = z.object({
  network: z.union([NetworkName, IntentNetwork]),
  /**
   * What the employee can do: share with one call, connect first, share in the network's own
   * dialog, nothing (done, or declined), or `auto`: auto-share will post it at `autoShareAt`
   * unless they decline it (`POST /me/feed/{campaignId}/decline`).
   */
  action: z.enum(['share', 'connect', 'reconnect', 'intent', 'shared', 'auto', 'declined']),
  /** When auto-share will post this for me (it also does when I do not press Share). */
  autoShareAt: z.iso.datetime().optional(),
  share: z.object({ shareId: z.string(), status: z.string() }).optional(),
  /** For `intent`: the network's share dialog with this share's tracked link. */
  intentUrl: z.string().optional(),
  /**
   * The exact text this network would receive from me: my variant, my data in its fields, the
   * disclaimers and disclosure in place, my tracked link, my approved wording if I have one.
   */
  rendered: RenderedText.optional(),
  /** My own wording of the post for this network, if I wrote one. */
  personalisation: z
    .object({
      personalisationId: z.string(),
      status: PersonalisationStatus,
      ownText: z.string().optional(),
    })
    .optional(),
});

export const FeedItem = z.object({
  campaignId: z.string(),
  postId: z.string(),
  title: z.string(),
  topics: z.array(z.string()),
  link: z.string().optional(),
  expiresAt: z.string().optional(),
  networks: z.array(FeedNetwork),
});

export type FeedNetwork = z.infer<typeof FeedNetwork>;
export type FeedItem = z.infer<typeof FeedItem>;

export const FeedAnswer = z.object({ items: z.array(FeedItem) });
export type FeedAnswer = z.infer<typeof FeedAnswer>;

export const ShareAnswer = z.object({
  share: Share.pick({ shareId: true, network: true, status: true }).extend({
    status: z.string(),
  }),
  personalisation: Personalisation.optional(),
  message: z.string(),
});

export type ShareAnswer = z.infer<typeof ShareAnswer>;

/** What `POST /me/feed/{campaignId}/decline` answers: what became of each network. */
export const DeclineAnswer = z.object({
  networks: z.array(
    z.object({
      network: NetworkName,
      /** `declined`: it will not be posted; `too_late`: it was already taken up (see `status`). */
      outcome: z.enum(['declined', 'too_late']),
      status: z.string().optional(),
    }),
  ),
});
export type DeclineAnswer = z.infer<typeof DeclineAnswer>;
