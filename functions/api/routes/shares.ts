import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import type { Employee } from '#shared/employees/employee';
import { ConflictError, NotFoundError } from '#shared/errors';
import { fixFor } from '#shared/shares/fix';
import { createShareOutcomes } from '#shared/shares/outcome';
import type { Share } from '#shared/shares/share';
import { isIssue } from '#shared/store/share-index';

/** A lone surrogate is not text: stored, it would break every JSON reader after us. */
const wellFormed = (text: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

const ShareIssueQuery = z.strictObject({
  status: z.enum(['unknown', 'failed']),
  campaignId: z.string().min(1).max(100).optional(),
  limit: Limit,
  cursor: z.string().min(1).max(400).optional(),
});

const ShareIssue = z.object({
  shareId: z.string(),
  campaignId: z.string(),
  postId: z.string(),
  employeeId: z.string(),
  employeeName: z.string(),
  handle: z.string().optional(),
  network: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  detail: z.string().optional(),
  /** What to do about it, in words. */
  fix: z.string(),
  startedAt: z.string(),
  attempts: z.number(),
});

/** Someone who left the directory is still named by their id; any other failure is ours. */
const onlyMissing = (error: unknown): undefined => {
  if (error instanceof NotFoundError) return undefined;
  throw error;
};

export const listShareIssues = defineRoute({
  summary: 'Shares that need a person: outcome unknown, or failed, with what to do about each',
  description:
    '`unknown`: the network may or may not have posted (X has no idempotent publishing, or the worker stopped mid-call); check the profile and resolve. `failed`: the reason and its fix. Resolved shares leave the list. One campaign with `campaignId`; ordered by campaign, then time. Pass `cursor` back for the next page.',
  tag: 'shares',
  roles: ['marketing', 'admin'],
  query: ShareIssueQuery,
  response: {
    status: 200,
    description: 'One page of shares to look at',
    schema: z.object({ shares: z.array(ShareIssue), cursor: z.string().optional() }),
  },
  async handle({ query, deps }) {
    const page = await deps.shareIssues.list(query);
    const people = new Map(
      await Promise.all(
        [...new Set(page.shares.map((s) => s.employeeId))].map(
          async (id) => [id, await deps.employees.get(id).catch(onlyMissing)] as const,
        ),
      ),
    );
    const shares = page.shares.map((share) => {
      const employee = people.get(share.employeeId);
      const handle = employee?.connections[share.network as keyof Employee['connections']]?.handle;
      const person = { name: employee?.name ?? share.employeeId, handle };
      return {
        shareId: share.shareId,
        campaignId: share.campaignId,
        postId: share.postId,
        employeeId: share.employeeId,
        employeeName: person.name,
        ...(handle ? { handle } : {}),
        network: share.network,
        status: share.status,
        ...(share.reason ? { reason: share.reason } : {}),
        ...(share.detail ? { detail: share.detail } : {}),
        fix: fixFor(share, person),
        startedAt: share.startedAt,
        attempts: share.attempt,
      };
    });
    return {
      status: 200,
      body: { shares, ...(page.cursor ? { cursor: page.cursor } : {}) },
    };
  },
});

const ResolveBody = z.discriminatedUnion('outcome', [
  z.strictObject({
    outcome: z.literal('published'),
    /** The post on the network, as its page's address. */
    postUrl: z.url({ protocol: /^https$/, hostname: z.regexes.domain }).max(2000),
  }),
  z.strictObject({
    outcome: z.literal('not_published'),
    note: z.string().trim().min(1).max(1000).refine(wellFormed, 'not well-formed text'),
  }),
]);

export const resolveShare = defineRoute({
  summary: 'Say what became of an unknown or failed share: published (with its link) or not',
  description:
    'Only while the share is still `unknown` or `failed` and unresolved (409 otherwise). A published resolution records the post’s address and counts as published in analytics; either is on the audit record. Failed shares can be resolved too: their fix happens outside Chorus (the person posts by hand, or nobody does), and resolving takes them off the list.',
  tag: 'shares',
  roles: ['marketing', 'admin'],
  params: z.strictObject({ shareId: z.string().min(1).max(100) }),
  body: ResolveBody,
  response: {
    status: 200,
    description: 'The resolved share',
    schema: z.object({
      share: z.object({
        shareId: z.string(),
        status: z.string(),
        url: z.string().optional(),
        resolution: z.unknown(),
      }),
    }),
  },
  errors: [404],
  conflicts: [
    'The share is not `unknown` or `failed`, or is resolved already: nothing to resolve',
    'Someone resolved the share, or it moved on, while this request was handled',
  ],
  async handle({ params, body, caller, deps }) {
    const share = await deps.shares.get(params.shareId);
    if (!share) throw new NotFoundError('Share', params.shareId);
    const at = deps.now().toISOString();
    const resolution =
      body.outcome === 'published'
        ? {
            outcome: 'published' as const,
            url: body.postUrl,
            // A post whose outcome was unknown went out, if at all, when it was attempted.
            publishedAt: share.status === 'unknown' ? share.startedAt : at,
          }
        : { outcome: 'not_published' as const, note: body.note };
    const after: Share = {
      ...share,
      ...(resolution.outcome === 'published'
        ? { status: 'published', url: resolution.url, publishedAt: resolution.publishedAt }
        : { status: 'failed', reason: 'not_published', detail: resolution.note }),
      resolution: {
        outcome: resolution.outcome,
        by: caller.userId,
        at,
        was: { status: share.status, ...(share.reason ? { reason: share.reason } : {}) },
        ...(resolution.outcome === 'not_published' ? { note: resolution.note } : {}),
      },
    };
    if (resolution.outcome === 'published') {
      delete after.reason;
      delete after.detail;
    }
    // Checked here for a clear answer; the write's own condition is what holds under a race.
    if (!isIssue(share.status) || share.resolution) {
      throw new ConflictError(`Share ${share.shareId} is ${share.status}: nothing to resolve`);
    }
    await createShareOutcomes(deps).resolved(
      share,
      after,
      caller.userId,
      deps.shareIssues.resolveWrites(share, resolution, { actor: caller.userId, at }),
    );
    return {
      status: 200,
      body: {
        share: {
          shareId: after.shareId,
          status: after.status,
          ...(after.url ? { url: after.url } : {}),
          resolution: after.resolution,
        },
      },
    };
  },
});
