import { z } from 'zod';
import { DeclineAnswer } from '#functions/api/answers/feed';
import { currentEmployee } from '#functions/api/current-employee';
import { defineRoute } from '#functions/api/route';
import { segmentsOf } from '#shared/employees/segment';
import { ConflictError, NotFoundError } from '#shared/errors';
import { DECLINED, isDeclined } from '#shared/shares/declined';
import { createShareOutcomes } from '#shared/shares/outcome';
import type { Share } from '#shared/shares/share';
import { autoShares } from '#shared/sharing/offers';
import { plannedShare } from '#shared/sharing/plan';

const DeclinePath = z.strictObject({ campaignId: z.string().min(1).max(100) });

export const declineCampaign = defineRoute({
  summary: 'Don’t share this one: stop a campaign’s auto-shares for me',
  description:
    'For every network the campaign would auto-share on for me, the share is recorded as skipped (`declined`) before the worker reaches it, so it is never posted; on the audit record as mine. A share already on its way or done is `too_late` with its status. Declining twice answers the same. 404 when the campaign would post nothing for me.',
  tag: 'me',
  roles: ['employee'],
  params: DeclinePath,
  response: { status: 200, description: 'What became of each network', schema: DeclineAnswer },
  errors: [404],
  async handle({ params, caller, deps }) {
    const employee = await currentEmployee(caller, deps);
    const mine = segmentsOf(employee, await deps.segments.all());
    const now = deps.now();
    const campaign = await deps.campaigns.get(params.campaignId).catch(() => undefined);
    // Someone else's campaign answers as if it did not exist.
    if (!campaign || !autoShares(campaign, mine, now)) {
      throw new NotFoundError('Campaign', params.campaignId);
    }
    const [post, sharing] = await Promise.all([
      deps.posts.get(campaign.postId),
      deps.sharingPolicies.current(),
    ]);
    const planned = campaign.networks.flatMap((network) => {
      const share = plannedShare({
        campaign,
        employee,
        network,
        postTopics: post.topics,
        policy: sharing,
      });
      return 'at' in share ? [{ network, shareId: share.shareId }] : [];
    });
    if (planned.length === 0) throw new NotFoundError('Campaign', params.campaignId);

    const outcomes = createShareOutcomes(deps);
    const networks = await Promise.all(
      planned.map(async ({ network, shareId }) => {
        const declined: Share = {
          shareId,
          campaignId: campaign.campaignId,
          postId: campaign.postId,
          employeeId: employee.employeeId,
          network,
          mode: 'auto',
          status: 'skipped',
          reason: DECLINED,
          detail: 'You chose not to share this one',
          audienceSize: 0,
          attempt: 0,
          startedAt: now.toISOString(),
        };
        // The share, its ShareSkipped and its audit entry together, only if no share exists yet.
        const recorded = await outcomes
          .ended(declined, caller.userId, {
            writes: deps.shares.firstRecordWrites(declined),
            conflict: 'already taken up',
          })
          .then(
            () => true,
            (error: unknown) => {
              if (error instanceof ConflictError) return false;
              throw error;
            },
          );
        if (recorded) return { network, outcome: 'declined' as const };
        const existing = await deps.shares.get(shareId);
        return isDeclined(existing)
          ? { network, outcome: 'declined' as const }
          : { network, outcome: 'too_late' as const, status: existing?.status ?? 'unknown' };
      }),
    );
    return { status: 200, body: { networks } };
  },
});
