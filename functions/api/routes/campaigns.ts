import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Campaign, CampaignRequest } from '#shared/campaigns/campaign';
import { ConflictError, ValidationError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newCampaignId } from '#shared/ids';
import { contentHashOf } from '#shared/posts/content-hash';
import { LIVE_STATUSES, variantsFor } from '#shared/posts/post';
import { applyAction } from '#shared/posts/transitions';
import { isLiveAt } from '#shared/posts/workflow';

const CampaignPath = z.strictObject({ campaignId: z.string().min(1).max(100) });
const CampaignAnswer = z.object({ campaign: Campaign });

/** A little slack for clocks and typing: "now" is a valid time for a campaign. */
const PAST_TOLERANCE_MS = 60_000;

export const createCampaign = defineRoute({
  summary: 'Schedule an approved post to be shared by the opted-in employees of its segments',
  tag: 'campaigns',
  roles: ['marketing', 'admin'],
  body: CampaignRequest,
  idempotent: true,
  response: { status: 201, description: 'The scheduled campaign', schema: CampaignAnswer },
  errors: [404, 409],
  async handle({ body, caller, deps }) {
    const now = deps.now();
    const scheduledAt = new Date(body.scheduledAt);
    if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
      throw new ValidationError('A campaign cannot be scheduled in the past', [
        { field: 'scheduledAt', message: 'must not be in the past' },
      ]);
    }
    const post = await deps.posts.get(body.postId);
    if (!isLiveAt(post, now)) {
      const state = LIVE_STATUSES.includes(post.status)
        ? 'past its expiry or approval lifetime'
        : post.status.replaceAll('_', ' ');
      throw new ConflictError(
        `Post ${post.postId} is ${state}; only approved posts can be scheduled`,
      );
    }
    if (post.expiresAt && post.expiresAt <= scheduledAt.toISOString()) {
      throw new ValidationError('The post expires before that time', [
        { field: 'scheduledAt', message: `must be before the post expires (${post.expiresAt})` },
      ]);
    }
    const uncovered = body.networks.filter((network) => variantsFor(post, network).length === 0);
    if (uncovered.length > 0) {
      throw new ValidationError('The post has no copy for some of these networks', [
        { field: 'networks', message: `no variant suits ${uncovered.join(', ')}` },
      ]);
    }
    const campaign: Campaign = {
      campaignId: newCampaignId(),
      postId: post.postId,
      postVersion: post.version,
      contentHash: contentHashOf(post),
      segments: post.segments,
      networks: body.networks,
      scheduledAt: scheduledAt.toISOString(),
      status: 'scheduled',
      createdBy: caller.userId,
      createdAt: now.toISOString(),
    };
    // The post is live, so its content is the approved content; the campaign and the post's
    // move to `scheduled` are one transaction, conditional on nobody editing it meanwhile.
    await applyAction(
      deps,
      post,
      { type: 'schedule' },
      {
        actor: caller.userId,
        at: now,
        writes: [deps.campaigns.creation(campaign)],
        details: { campaignId: campaign.campaignId, scheduledAt: campaign.scheduledAt },
      },
    );
    await deps.publish([
      event(DETAIL_TYPES.campaignScheduled, {
        campaignId: campaign.campaignId,
        postId: post.postId,
        scheduledAt: campaign.scheduledAt,
      }),
    ]);
    return { status: 201, body: { campaign } };
  },
});

export const getCampaign = defineRoute({
  summary: 'Read a campaign',
  tag: 'campaigns',
  roles: ['marketing', 'legal', 'admin'],
  params: CampaignPath,
  response: { status: 200, description: 'The campaign', schema: CampaignAnswer },
  errors: [404],
  async handle({ params, deps }) {
    return { status: 200, body: { campaign: await deps.campaigns.get(params.campaignId) } };
  },
});
