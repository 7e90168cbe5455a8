import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { AuditEntry } from '#shared/audit/chain';
import { ValidationError } from '#shared/errors';

const DAY_MS = 86_400_000;
/** Without a post or an actor the log is read day by day; a month is plenty for one request. */
const MAX_UNFILTERED_DAYS = 31;

const AuditQuery = z.strictObject({
  postId: z.string().min(1).max(100).optional(),
  actor: z.string().min(1).max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(2000).optional(),
});

export const listAudit = defineRoute({
  summary: 'Read the audit log, filtered by post, actor and time (oldest first)',
  description:
    'Without postId or actor the range is at most 31 days; it defaults to the last 7 days.',
  tag: 'audit',
  roles: ['legal', 'admin'],
  query: AuditQuery,
  response: {
    status: 200,
    description: 'One page of entries; for the next, pass `cursor` back with the same from and to',
    schema: z.object({
      entries: z.array(AuditEntry),
      from: z.string(),
      to: z.string(),
      cursor: z.string().optional(),
    }),
  },
  async handle({ query, deps }) {
    const to = query.to ? new Date(query.to) : deps.now();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
    if (from > to) {
      throw new ValidationError('The range is empty', [
        { field: 'query.from', message: 'after to' },
      ]);
    }
    if (
      !query.postId &&
      !query.actor &&
      to.getTime() - from.getTime() > MAX_UNFILTERED_DAYS * DAY_MS
    ) {
      throw new ValidationError(
        `Without postId or actor, ask for at most ${MAX_UNFILTERED_DAYS} days`,
        [{ field: 'query.from', message: `more than ${MAX_UNFILTERED_DAYS} days before to` }],
      );
    }
    const page = await deps.audit.list({
      postId: query.postId,
      actor: query.actor,
      from: from.toISOString(),
      to: to.toISOString(),
      limit: query.limit,
      cursor: query.cursor,
    });
    // The range is echoed so the next page can be asked for with the same one.
    return { status: 200, body: { ...page, from: from.toISOString(), to: to.toISOString() } };
  },
});
