import type { NetworkName } from '#shared/networks/network';
import type { IntentNetwork } from '#shared/sharing/intents';
import { request } from './api';

/**
 * The API's answers the console reads, typed from the API's own types where `shared/` exports
 * them. GET /me/feed's schemas live unexported in functions/api/routes/feed.ts; this mirrors
 * them, and `rendered` is what the feed gains with the rendered text per (variant, network).
 */
export type FeedNetworkName = NetworkName | IntentNetwork;

export interface RenderedText {
  /** The exact text the network would receive from me. */
  text: string;
  /** Which spans Chorus placed (disclaimers, disclosure, link) and which are the copy. */
  parts?: { kind: 'disclaimer' | 'copy' | 'disclosure' | 'link'; start: number; end: number }[];
}

export interface FeedNetwork {
  network: FeedNetworkName;
  action: 'share' | 'connect' | 'reconnect' | 'intent' | 'shared';
  share?: { shareId: string; status: string };
  intentUrl?: string;
  rendered?: RenderedText;
}

export interface FeedItem {
  campaignId: string;
  postId: string;
  title: string;
  topics: string[];
  link?: string;
  expiresAt?: string;
  networks: FeedNetwork[];
}

export interface ShareAnswer {
  share: { shareId: string; network: string; status: string };
  message: string;
}

export const getFeed = () => request<{ items: FeedItem[] }>('GET', '/me/feed');

export const shareNow = (body: {
  campaignId: string;
  network: FeedNetworkName;
  confirmed?: true;
}) => request<ShareAnswer>('POST', '/me/shares', body);
