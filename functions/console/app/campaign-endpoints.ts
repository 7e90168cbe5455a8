import type { Campaign, FanOutSlice } from '#shared/campaigns/campaign';
import type { CampaignCompliance } from '#shared/campaigns/campaign-compliance';
import type { CampaignOutcomes } from '#shared/campaigns/campaign-outcomes';
import type { PostSummary } from '#shared/posts/listing';
import type { PostView } from '#shared/posts/post-view';
import { request } from './api';

/**
 * Marketing's campaigns: the list, the preview job, scheduling, rescheduling and cancelling, the
 * live campaign page and its shares to resolve. Types from the API's own schemas (type-only).
 */
export type { Campaign, CampaignCompliance, CampaignOutcomes, PostSummary, PostView };
export type CampaignStatus = Campaign['status'];
export type CampaignMode = Campaign['mode'];
export type NetworkName = Campaign['networks'][number];

export const NETWORKS: readonly NetworkName[] = ['linkedin', 'x', 'mastodon', 'bluesky', 'sandbox'];

export interface CampaignPage {
  campaigns: Campaign[];
  cursor?: string;
}

export const PAGE_SIZE = 20;

export const listCampaigns = (filter: { status?: CampaignStatus | undefined }, cursor?: string) => {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (filter.status) query.set('status', filter.status);
  if (cursor) query.set('cursor', cursor);
  return request<CampaignPage>('GET', `/campaigns?${query}`);
};

export const getPost = (postId: string) =>
  request<{ post: PostView }>('GET', `/posts/${encodeURIComponent(postId)}`);

/** Approved posts, newest first: what a campaign can be scheduled from. */
export const listApprovedPosts = () =>
  request<{ posts: PostSummary[]; cursor?: string }>('GET', '/posts?status=approved&limit=50');

export interface PreviewNetwork {
  network: NetworkName;
  recipients: number;
  costUsd: number;
  excluded: Record<string, number>;
}

export interface PreviewAnswer {
  job: { jobId: string; state: 'receiving' | 'queued' | 'running' | 'done' };
  preview?: {
    postId: string;
    at: string;
    month: string;
    shardsDone: number;
    shardsTotal: number;
    employeesRead: number;
    inSegments: number;
    networks: PreviewNetwork[];
    costUsd: number;
    sample: { employeeId: string; name: string; department?: string; networks: NetworkName[] }[];
    budget: { month: string; monthlyBudgetUsd: number | null; committedUsd: number };
    compliance: CampaignCompliance;
  };
}

export const startPreview = (body: {
  postId: string;
  networks: NetworkName[];
  scheduledAt: string;
}) => request<PreviewAnswer>('POST', '/campaigns/preview', body);

export const getPreview = (jobId: string) =>
  request<PreviewAnswer>('GET', `/jobs/${encodeURIComponent(jobId)}`);

export const createCampaign = (body: {
  postId: string;
  networks: NetworkName[];
  scheduledAt: string;
  staggerMinutes: number;
  mode: CampaignMode;
}) => request<{ campaign: Campaign }>('POST', '/campaigns', body);

export interface CampaignAnswer {
  campaign: Campaign;
  fanOut: {
    queued: number;
    deferred: number;
    excluded: Record<string, number>;
    slicesDone: number;
    slices: Omit<FanOutSlice, 'cursor' | 'claim'>[];
  };
  outcomes: CampaignOutcomes;
}

const campaignPath = (campaignId: string) => `/campaigns/${encodeURIComponent(campaignId)}`;

export const getCampaign = (campaignId: string) =>
  request<CampaignAnswer>('GET', campaignPath(campaignId));

export const cancelCampaign = (campaignId: string) =>
  request<{ campaign: Campaign }>('POST', `${campaignPath(campaignId)}/cancel`);

export const rescheduleCampaign = (campaignId: string, scheduledAt: string) =>
  request<{ campaign: Campaign }>('PUT', `${campaignPath(campaignId)}/schedule`, {
    scheduledAt,
  });

export interface ShareIssue {
  shareId: string;
  employeeName: string;
  handle?: string;
  network: string;
  status: string;
  reason?: string;
  detail?: string;
  fix: string;
  startedAt: string;
}

export const listShareIssues = (campaignId: string, status: 'unknown' | 'failed') =>
  request<{ shares: ShareIssue[]; cursor?: string }>(
    'GET',
    `/shares?${new URLSearchParams({ status, campaignId, limit: '50' })}`,
  );

export type Resolution =
  | { outcome: 'published'; postUrl: string }
  | { outcome: 'not_published'; note: string };

export const resolveShare = (shareId: string, resolution: Resolution) =>
  request<unknown>('POST', `/shares/${encodeURIComponent(shareId)}/resolve`, resolution);
