import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { Campaign, CampaignStatus } from '#shared/campaigns/campaign';
import { ValidationError } from '#shared/errors';
import { CAMPAIGN_PAGE_BUDGET } from '#shared/store/campaigns';
import { DateRangeFields, instantsOf } from '#shared/time/date-range';

const CampaignListQuery = z.strictObject({
  status: CampaignStatus.optional(),
  postId: z.string().min(1).max(100).optional(),
  ...DateRangeFields,
  order: z.enum(['newest', 'oldest']).default('newest'),
  limit: Limit,
  cursor: z.string().max(4000).optional(),
});

export const listCampaigns = defineRoute({
  summary: 'List campaigns: by status and scheduled time, or a post’s, cursor-paged',
  description: [
    'Each list is served by an index, never a scan:',
    '- `postId`: the post’s campaigns, gsi2 `POST#postId#CAMPAIGNS` / created time; `status` and the time range filter within the page;',
    '- else `status`: gsi3 `CAMPAIGNS_STATUS#status` / scheduled time, the range a key condition;',
    '- else every campaign: gsi4 `CAMPAIGNS` / scheduled time, the range a key condition.',
    '`from`/`to` bound the scheduled time: an instant with offset, or a date (`2026-01-01`) read as a whole day in `timeZone` (default UTC), `to` inclusive. `order`: newest or oldest first.',
    `A filter is applied within a bounded page (at most ${CAMPAIGN_PAGE_BUDGET} campaigns read), so a page may hold fewer than \`limit\` and still carry a \`cursor\`; the list has ended when there is no \`cursor\`. Pass it back with the same query.`,
  ].join('\n'),
  tag: 'campaigns',
  roles: ['marketing', 'legal', 'admin'],
  query: CampaignListQuery,
  response: {
    status: 200,
    description: 'One page of campaigns',
    schema: z.object({
      campaigns: z.array(Campaign),
      order: z.enum(['created', 'scheduled']),
      cursor: z.string().optional(),
    }),
  },
  async handle({ query, deps }) {
    const { from, to } = instantsOf(query);
    if (from && to && from > to) {
      throw new ValidationError('The time range is reversed', [
        { field: 'query.from', message: 'after query.to' },
      ]);
    }
    const page = await deps.campaigns.list(
      {
        status: query.status,
        postId: query.postId,
        from: from?.toISOString(),
        to: to?.toISOString(),
        order: query.order,
      },
      { limit: query.limit, cursor: query.cursor },
    );
    return { status: 200, body: page };
  },
});
