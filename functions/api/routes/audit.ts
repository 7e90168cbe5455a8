import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { AuditEntry, StreamVerification, verifyStream } from '#shared/audit/chain';
import { NotFoundError, ValidationError } from '#shared/errors';
import { DateRangeFields, instantsOf } from '#shared/time/date-range';

const DAY_MS = 86_400_000;
/** Without a post or an actor the log is read day by day; a month is plenty for one request. */
const MAX_UNFILTERED_DAYS = 31;

const AuditQuery = z
  .strictObject({
    postId: z.string().min(1).max(100).optional(),
    actor: z.string().min(1).max(200).optional(),
    /** A person by their email in the directory, instead of by their internal actor id. */
    email: z.email().max(254).toLowerCase().optional(),
    ...DateRangeFields,
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(2000).optional(),
  })
  .refine((query) => !(query.actor && query.email), {
    message: 'name a person by `actor` or by `email`, not both',
    path: ['email'],
  });

/**
 * The actor a person's own steps are recorded under: the sub their directory entry was linked to
 * when they first signed in. `null` for an email nobody in the directory signed in with.
 */
const actorOfEmail = async (deps: ApiDependencies, email: string): Promise<string | null> => {
  const employeeId = await deps.employees.findByEmail(email);
  return (employeeId && (await deps.identities.subOf(employeeId))) || null;
};

export const listAudit = defineRoute({
  summary: 'Read the audit log, filtered by post, person (actor or email) and time (oldest first)',
  description:
    'Without postId, actor or email the range is at most 31 days; it defaults to the last 7 days. `from`/`to` are instants with an offset or dates (`2026-01-01`), a date read as a whole day in `timeZone` (default UTC), `to` inclusive. `email` finds what a person did through the directory (the sign-in their entry is linked to); an email no one signed in with answers an empty page, exactly like a person who did nothing, so the log tells nobody who is in the directory.',
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
    const given = instantsOf(query);
    const to = given.to ?? deps.now();
    const from = given.from ?? new Date(to.getTime() - 7 * DAY_MS);
    if (from > to) {
      throw new ValidationError('The range is empty', [
        { field: 'query.from', message: 'after to' },
      ]);
    }
    if (
      !query.postId &&
      !query.actor &&
      !query.email &&
      to.getTime() - from.getTime() > MAX_UNFILTERED_DAYS * DAY_MS
    ) {
      throw new ValidationError(
        `Without postId, actor or email, ask for at most ${MAX_UNFILTERED_DAYS} days`,
        [{ field: 'query.from', message: `more than ${MAX_UNFILTERED_DAYS} days before to` }],
      );
    }
    const page = await deps.audit.list({
      postId: query.postId,
      actor: query.email ? await actorOfEmail(deps, query.email) : query.actor,
      from: from.toISOString(),
      to: to.toISOString(),
      limit: query.limit,
      cursor: query.cursor,
    });
    // The range is echoed so the next page can be asked for with the same one.
    return { status: 200, body: { ...page, from: from.toISOString(), to: to.toISOString() } };
  },
});

/** A post's stream holds dozens of entries; the cap keeps one request bounded for any stream. */
const MAX_VERIFIED_ENTRIES = 5_000;

export const verifyAuditStream = defineRoute({
  summary: 'Verify one audit stream’s hash chain, from its first entry',
  description:
    'Walks the stream in order (every entry links to the one before it by hash and by a gap-free sequence) and says whether the chain holds or where it first breaks. A stream longer than 5,000 entries is verified up to there (`complete: false`); `npm run audit:verify` walks every stream whole.',
  tag: 'audit',
  roles: ['legal', 'admin'],
  query: z.strictObject({ stream: z.string().min(1).max(200) }),
  response: {
    status: 200,
    description: 'Whether the chain holds, how many entries were checked, and the first break',
    schema: StreamVerification,
  },
  errors: [404],
  async handle({ query, deps }) {
    const entries: AuditEntry[] = [];
    let complete = true;
    for await (const page of deps.audit.entriesOf(query.stream)) {
      entries.push(...page);
      if (entries.length > MAX_VERIFIED_ENTRIES) {
        complete = false;
        entries.length = MAX_VERIFIED_ENTRIES;
        break;
      }
    }
    // An unknown stream and a wholly deleted one look alike; neither is a chain that holds.
    if (entries.length === 0) throw new NotFoundError('Audit stream', query.stream);
    const broken = verifyStream(query.stream, entries);
    return {
      status: 200,
      body: {
        stream: query.stream,
        holds: broken === undefined,
        entries: entries.length,
        complete,
        ...(broken ? { broken: { seq: broken.seq, problem: broken.problem } } : {}),
      },
    };
  },
});
