import { z } from 'zod';
import { json, parseBody, parsePathParameters } from '#functions/api/http';
import type { RouteHandler } from '#functions/api/router';
import { type Campaign, CampaignRequest } from '#shared/campaigns/campaign';
import { ConflictError, ValidationError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newCampaignId } from '#shared/ids';
import { contentHashOf } from '#shared/posts/content-hash';

const CampaignPath = z.object({ campaignId: z.string().min(1).max(100) });

/** A little slack for clocks and typing: "now" is a valid time for a campaign. */
const PAST_TOLERANCE_MS = 60_000;

export const createCampaign: RouteHandler = async (request, caller, deps) => {
  const body = parseBody(request, CampaignRequest);
  const now = deps.now();
  const scheduledAt = new Date(body.scheduledAt);
  if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
    throw new ValidationError('A campaign cannot be scheduled in the past', [
      { field: 'scheduledAt', message: 'must not be in the past' },
    ]);
  }
  const post = await deps.posts.get(body.postId);
  if (post.status !== 'approved' || !post.approval) {
    throw new ConflictError(
      `Post ${post.postId} is ${post.status.replace('_', ' ')}; only approved posts can be scheduled`,
    );
  }
  const contentHash = contentHashOf(post);
  if (post.approval.contentHash !== contentHash) {
    throw new ConflictError(
      `Post ${post.postId} changed after it was approved; it needs approval again`,
    );
  }
  const campaign: Campaign = {
    campaignId: newCampaignId(),
    postId: post.postId,
    postVersion: post.version,
    contentHash,
    segment: post.segment,
    networks: body.networks,
    scheduledAt: scheduledAt.toISOString(),
    status: 'scheduled',
    createdBy: caller.userId,
    createdAt: now.toISOString(),
  };
  await deps.campaigns.create(campaign);
  await deps.publish([
    event(DETAIL_TYPES.campaignScheduled, {
      campaignId: campaign.campaignId,
      postId: post.postId,
      scheduledAt: campaign.scheduledAt,
    }),
  ]);
  return json(201, { campaign });
};

export const getCampaign: RouteHandler = async (request, _caller, deps) => {
  const { campaignId } = parsePathParameters(request, CampaignPath);
  return json(200, { campaign: await deps.campaigns.get(campaignId) });
};
