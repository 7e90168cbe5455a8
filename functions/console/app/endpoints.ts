import type {
  DeclineAnswer,
  FeedAnswer,
  FeedItem,
  FeedNetwork,
  ShareAnswer,
} from '#functions/api/answers/feed';
import type { RenderedText } from '#shared/shares/rendered-text';
import { request } from './api';

/**
 * The API's answers the console reads, typed with the API's own schemas (type-only imports of
 * modules that hold schemas and nothing else, so no zod and no server code reach the browser).
 */
export type { FeedItem, FeedNetwork, RenderedText, ShareAnswer };
export type FeedNetworkName = FeedNetwork['network'];

export const getFeed = () => request<FeedAnswer>('GET', '/me/feed');

export const shareNow = (body: {
  campaignId: string;
  network: FeedNetworkName;
  confirmed?: true;
}) => request<ShareAnswer>('POST', '/me/shares', body);

/** "Don't share this one": auto-share will not post this campaign for me. */
export const declineCampaign = (campaignId: string) =>
  request<DeclineAnswer>('POST', `/me/feed/${encodeURIComponent(campaignId)}/decline`);
