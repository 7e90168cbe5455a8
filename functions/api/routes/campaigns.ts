import { z } from 'zod';
import { JobAnswer, jobAnswer } from '#functions/api/answers/job';
import type { ApiDependencies } from '#functions/api/dependencies';
import { checkSegmentsDefined, openPreview } from '#functions/api/jobs/campaign-preview';
import { defineRoute } from '#functions/api/route';
import { Campaign, CampaignRequest, FanOutSlice } from '#shared/campaigns/campaign';
import { CampaignOutcomes } from '#shared/campaigns/campaign-outcomes';
import {
  blockedBecause,
  campaignCompliance,
  readerKindsOf,
} from '#shared/campaigns/compliance-verdict';
import { billingMonthOf, pricePerPostUsd } from '#shared/campaigns/cost';
import { campaignOutcomes } from '#shared/campaigns/outcomes';
import { PreviewRequest } from '#shared/campaigns/preview';
import {
  ComplianceBlockedError,
  ConflictError,
  UnprocessableError,
  ValidationError,
} from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { newCampaignId } from '#shared/ids';
import type { NetworkName } from '#shared/networks/network';
import { contentHashOf } from '#shared/posts/content-hash';
import { LIVE_STATUSES, type Post, variantsFor } from '#shared/posts/post';
import { applyAction } from '#shared/posts/transitions';
import { isLiveAt } from '#shared/posts/workflow';

/** A month whose budget is spent takes no campaign that would pay a network: a 422, at once. */
const checkBudgetLeft = async (deps: ApiDependencies, month: string): Promise<void> => {
  const [policy, committedUsd] = await Promise.all([
    deps.sharingPolicies.current(),
    deps.spend.committed(month),
  ]);
  const budget = policy.monthlyBudgetUsd;
  if (budget !== null && committedUsd >= budget) {
    throw new UnprocessableError(
      `The ${month} budget of $${budget.toFixed(2)} for network API fees is spent; raise it or wait for next month`,
    );
  }
};

/**
 * The share worker checks every final text against the compliance policy in force, so a policy
 * changed since the approval can fail every share. A campaign none of whose texts the current
 * policy passes, for a reader anywhere, is refused: a 422 naming why, not 50 failed shares.
 */
const checkCompliancePasses = async (
  deps: ApiDependencies,
  post: Post,
  networks: readonly NetworkName[],
): Promise<void> => {
  const policy = await deps.compliancePolicies.current();
  const compliance = campaignCompliance(
    { post, networks, jurisdictions: readerKindsOf(policy), linkBase: deps.apiUrl },
    policy,
  );
  if (compliance.verdict !== 'blocks_all') return;
  const first = compliance.renderings[0];
  throw new ComplianceBlockedError(
    `The compliance policy in force (version ${policy.version}) blocks every text this campaign would send, so every share would fail: ${blockedBecause(compliance)}. Change the post and have it approved again, or ask legal about the policy`,
    first?.findings ?? [],
    first?.text,
  );
};

const CampaignPath = z.strictObject({ campaignId: z.string().min(1).max(100) });
const CampaignAnswer = z.object({ campaign: Campaign });

/** A little slack for clocks and typing: "now" is a valid time for a campaign. */
const PAST_TOLERANCE_MS = 60_000;

/** The live post a campaign may send, its networks covered by its copy; else a clear 4xx. */
const schedulablePost = async (
  deps: ApiDependencies,
  request: { postId: string; networks: readonly NetworkName[] },
): Promise<Post> => {
  const post = await deps.posts.get(request.postId);
  if (!isLiveAt(post, deps.now())) {
    const state = LIVE_STATUSES.includes(post.status)
      ? 'past its expiry or approval lifetime'
      : post.status.replaceAll('_', ' ');
    throw new ConflictError(
      `Post ${post.postId} is ${state}; only approved posts can be scheduled`,
    );
  }
  const uncovered = request.networks.filter((network) => variantsFor(post, network).length === 0);
  if (uncovered.length > 0) {
    throw new ValidationError('The post has no copy for some of these networks', [
      { field: 'networks', message: `no variant suits ${uncovered.join(', ')}` },
    ]);
  }
  return post;
};

export const previewCampaign = defineRoute({
  summary:
    'Start working out how many employees a campaign would reach per network, and what it would cost',
  description:
    'The preview runs in the background over the whole directory: follow it at `GET /jobs/{jobId}`, whose `preview` gives, per network, the recipients (the employees of the post’s segments who opted in: auto-share on, connected, not paused, topic followed), the others counted by reason, the networks’ API fees (X charges per post, more with a link), the month’s budget, a sample of recipients, and `compliance`: whether the compliance policy in force now still passes every text the campaign would send its recipients (each variant on each network, in each recipient’s jurisdiction), listing the blocked ones with their findings.',
  tag: 'campaigns',
  roles: ['marketing', 'admin'],
  body: PreviewRequest,
  response: { status: 202, description: 'The preview job, started', schema: JobAnswer },
  errors: [404],
  conflicts: [
    'The post is not approved, or is past its expiry or approval lifetime: only approved posts can be scheduled',
  ],
  unprocessable: ['The post targets a segment that is not defined (`unprocessable`, naming it)'],
  async handle({ body, caller, deps }) {
    const post = await schedulablePost(deps, body);
    const at = new Date(body.scheduledAt ?? deps.now()).toISOString();
    const job = await openPreview(deps, caller.userId, post, body.networks, at);
    return { status: 202, body: jobAnswer(job) };
  },
});

export const createCampaign = defineRoute({
  summary: 'Schedule an approved post to be shared by the opted-in employees of its segments',
  description:
    'The post’s texts are checked against the compliance policy in force now, as the share worker will check each share: a campaign every one of whose texts the policy blocks (each variant on each network, for a reader in any jurisdiction) is refused with 422 `compliance_blocked`, naming the findings; one the policy blocks only in part is made, and its preview (`POST /campaigns/preview`) lists the blocked texts.',
  tag: 'campaigns',
  roles: ['marketing', 'admin'],
  body: CampaignRequest,
  idempotent: true,
  response: { status: 201, description: 'The scheduled campaign', schema: CampaignAnswer },
  errors: [404],
  conflicts: [
    'The post is not approved, or is past its expiry or approval lifetime: only approved posts can be scheduled',
    'The post changed while the campaign was being scheduled (edited, withdrawn, expired): read it again',
  ],
  unprocessable: [
    'The post targets a segment that is not defined (`unprocessable`, naming it)',
    'The month’s budget for network API fees is spent, for a campaign that would pay (`unprocessable`)',
    'The compliance policy in force blocks every text the campaign would send (each variant on each of its networks, for a reader in any jurisdiction), so every share would fail (`compliance_blocked`, naming the findings, with those of one blocked text and the `text` they point into)',
  ],
  async handle({ body, caller, deps, answerWrites }) {
    const now = deps.now();
    const scheduledAt = new Date(body.scheduledAt);
    if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
      throw new ValidationError('A campaign cannot be scheduled in the past', [
        { field: 'scheduledAt', message: 'must not be in the past' },
      ]);
    }
    if (body.expiresAt && body.expiresAt <= body.scheduledAt) {
      throw new ValidationError('The campaign would expire before it starts', [
        { field: 'expiresAt', message: 'must be after scheduledAt' },
      ]);
    }
    const post = await schedulablePost(deps, body);
    if (post.expiresAt && post.expiresAt <= scheduledAt.toISOString()) {
      throw new ValidationError('The post expires before that time', [
        { field: 'scheduledAt', message: `must be before the post expires (${post.expiresAt})` },
      ]);
    }
    // Who receives it, and what it costs, is worked out page by page at fan-out, which keeps to
    // the month's budget there; here only what one read can tell: the segments exist, and the
    // budget is not already spent for a campaign that would pay.
    await checkSegmentsDefined(deps, post);
    await checkCompliancePasses(deps, post, body.networks);
    const paying =
      body.mode !== 'suggest' &&
      body.networks.some((n) => pricePerPostUsd(n, Boolean(post.link)) > 0);
    if (paying) await checkBudgetLeft(deps, billingMonthOf(scheduledAt.toISOString()));
    const campaign: Campaign = {
      campaignId: newCampaignId(),
      postId: post.postId,
      postVersion: post.version,
      contentHash: contentHashOf(post),
      segments: post.segments,
      networks: body.networks,
      scheduledAt: scheduledAt.toISOString(),
      staggerMinutes: body.staggerMinutes,
      mode: body.mode,
      ...(body.expiresAt ? { expiresAt: new Date(body.expiresAt).toISOString() } : {}),
      status: 'scheduled',
      createdBy: caller.userId,
      createdAt: now.toISOString(),
      estimates: [],
    };
    const answer = { status: 201, body: { campaign } };
    // The post is live, so its content is the approved content; the campaign, the post's move to
    // `scheduled`, the events and the answer to the request's Idempotency-Key are one
    // transaction: a retry after any failure finds all or nothing.
    await applyAction(
      deps,
      post,
      { type: 'schedule' },
      {
        actor: caller.userId,
        at: now,
        writes: [deps.campaigns.creation(campaign), ...answerWrites(answer)],
        details: { campaignId: campaign.campaignId, scheduledAt: campaign.scheduledAt },
        events: [
          event(DETAIL_TYPES.campaignScheduled, {
            campaignId: campaign.campaignId,
            postId: post.postId,
            scheduledAt: campaign.scheduledAt,
          }),
        ],
      },
    );
    return answer;
  },
});

const Progress = z.object({
  queued: z.number().int(),
  deferred: z.number().int(),
  excluded: z.record(z.string(), z.number().int()),
  slicesDone: z.number().int(),
  slices: z.array(FanOutSlice.omit({ cursor: true, claim: true })),
});

export const getCampaign = defineRoute({
  summary: 'Read a campaign, how far its fan-out got and how its shares ended, while it runs',
  description:
    '`fanOut`: how many shares the fan-out queued, deferred to their time or left out (by reason). `outcomes`: the shares ended so far — `published`, `failed`, `skipped`, `unknown` — and `pending` (queued or deferred, not ended yet); per network; failures, skips and unknowns grouped by reason with what marketing can do about each (`groups[].fix`); and how many `unknown` and `failed` shares wait for a person (`awaitingResolution`, listed at `GET /shares?campaignId=` and resolved at `POST /shares/{shareId}/resolve`, which moves the count: resolved as published counts in `published`, as not published in `failed` under `not_published`). The counts are kept as each share ends, in the same transaction as its record, so reading them costs the same for 10 shares or 100,000; a redelivered end never counts twice. They may trail the shares by a second (eventually consistent reads).',
  tag: 'campaigns',
  roles: ['marketing', 'legal', 'admin'],
  params: CampaignPath,
  response: {
    status: 200,
    description: 'The campaign, its fan-out and its shares’ outcomes',
    schema: z.object({ campaign: Campaign, fanOut: Progress, outcomes: CampaignOutcomes }),
  },
  errors: [404],
  async handle({ params, deps }) {
    const [campaign, slices, tally] = await Promise.all([
      deps.campaigns.get(params.campaignId),
      deps.campaigns.slices(params.campaignId),
      deps.shares.tally.read(params.campaignId),
    ]);
    const excluded: Record<string, number> = {};
    for (const slice of slices) {
      for (const [reason, n] of Object.entries(slice.excluded)) {
        excluded[reason] = (excluded[reason] ?? 0) + n;
      }
    }
    const fanOut = {
      queued: slices.reduce((n, s) => n + s.queued, 0),
      deferred: slices.reduce((n, s) => n + s.deferred, 0),
      excluded,
      slicesDone: slices.filter((s) => s.done).length,
      slices: slices.map(({ cursor: _cursor, claim: _claim, ...slice }) => slice),
    };
    return { status: 200, body: { campaign, fanOut, outcomes: campaignOutcomes(tally, fanOut) } };
  },
});

export const cancelCampaign = defineRoute({
  summary:
    'Cancel a campaign: before dispatch nothing goes out; after, shares not yet made are skipped',
  tag: 'campaigns',
  roles: ['marketing', 'admin'],
  params: CampaignPath,
  response: { status: 200, description: 'The cancelled campaign', schema: CampaignAnswer },
  errors: [404],
  conflicts: [
    'The campaign is no longer scheduled or dispatched (it finished or expired meanwhile)',
  ],
  async handle({ params, caller, deps }) {
    const campaign = await deps.campaigns.get(params.campaignId);
    if (campaign.status === 'cancelled') return { status: 200, body: { campaign } };
    const at = deps.now().toISOString();
    const next: Campaign = { ...campaign, status: 'cancelled', cancelledAt: at };
    await deps.campaigns.change(
      campaign,
      next,
      ['scheduled', 'dispatched'],
      { actor: caller.userId, action: 'campaign.cancelled', at },
      [
        event(DETAIL_TYPES.campaignCancelled, {
          campaignId: campaign.campaignId,
          postId: campaign.postId,
          actor: caller.userId,
        }),
      ],
    );
    return { status: 200, body: { campaign: next } };
  },
});

export const rescheduleCampaign = defineRoute({
  summary: 'Move a campaign that has not been dispatched yet to another time',
  tag: 'campaigns',
  roles: ['marketing', 'admin'],
  params: CampaignPath,
  body: z.strictObject({ scheduledAt: z.iso.datetime({ offset: true }) }),
  response: { status: 200, description: 'The rescheduled campaign', schema: CampaignAnswer },
  errors: [404],
  conflicts: [
    'The campaign is no longer scheduled (dispatched, cancelled or expired): only a scheduled campaign moves',
  ],
  async handle({ params, body, caller, deps }) {
    const now = deps.now();
    const scheduledAt = new Date(body.scheduledAt);
    if (scheduledAt.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
      throw new ValidationError('A campaign cannot be scheduled in the past', [
        { field: 'scheduledAt', message: 'must not be in the past' },
      ]);
    }
    const campaign = await deps.campaigns.get(params.campaignId);
    if (campaign.status !== 'scheduled') {
      throw new ConflictError(`Campaign ${campaign.campaignId} is already ${campaign.status}`);
    }
    if (campaign.expiresAt && campaign.expiresAt <= scheduledAt.toISOString()) {
      throw new ValidationError('The campaign would expire before it starts', [
        {
          field: 'scheduledAt',
          message: `must be before the campaign expires (${campaign.expiresAt})`,
        },
      ]);
    }
    const next: Campaign = { ...campaign, scheduledAt: scheduledAt.toISOString() };
    await deps.campaigns.change(
      campaign,
      next,
      ['scheduled'],
      { actor: caller.userId, action: 'campaign.rescheduled', at: now.toISOString() },
      [
        event(DETAIL_TYPES.campaignRescheduled, {
          campaignId: campaign.campaignId,
          postId: campaign.postId,
          scheduledAt: next.scheduledAt,
        }),
      ],
    );
    return { status: 200, body: { campaign: next } };
  },
});
