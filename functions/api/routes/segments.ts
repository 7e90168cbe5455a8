import { z } from 'zod';
import type { ApiDependencies } from '#functions/api/dependencies';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import {
  compileSegment,
  Segment,
  SegmentDefinition,
  SegmentId,
  SegmentRequest,
} from '#shared/employees/segment';
import { ValidationError } from '#shared/errors';
import { DIRECTORY_SHARDS } from '#shared/store/employees';
import { MAX_SEGMENTS } from '#shared/store/segments';

const SegmentPath = z.strictObject({ segmentId: SegmentId });
const SegmentAnswer = z.object({ segment: Segment });

export const listSegments = defineRoute({
  summary: 'Every segment',
  tag: 'segments',
  roles: ['marketing', 'legal', 'admin'],
  response: {
    status: 200,
    description: 'The segments',
    schema: z.object({ segments: z.array(Segment) }),
  },
  async handle({ deps }) {
    return { status: 200, body: { segments: await deps.segments.all() } };
  },
});

/**
 * A list of members must name people in the directory: an unknown email (a typo, someone not
 * imported yet) would silently reach nobody. Every unknown one is named, with its place in the list.
 */
const refuseUnknownMembers = async (
  deps: ApiDependencies,
  definition: Pick<SegmentDefinition, 'members'>,
): Promise<void> => {
  if (!definition.members) return;
  const found = await deps.employees.findManyByEmail(definition.members);
  const unknown = definition.members
    .map((email, index) => ({ email, index }))
    .filter(({ email }) => !found.has(email));
  if (unknown.length === 0) return;
  throw new ValidationError(
    `${unknown.length} ${unknown.length === 1 ? 'email is' : 'emails are'} not in the directory: add ${unknown.length === 1 ? 'that person' : 'those people'} first, or correct the list`,
    unknown.map(({ email, index }) => ({
      field: `members.${index}`,
      message: `nobody in the directory has the email ${email}`,
    })),
  );
};

export const putSegment = defineRoute({
  summary: 'Define (or redefine) a segment: a rule over directory attributes, or a list of people',
  description:
    'Rules test department, location, groups, language, timeZone, manager or jurisdiction; every condition must hold, and values compare without regard to case. A list of members names people by the email they hold in the directory: a list with an email nobody holds is refused (400), with one field issue per such email (`members.<index>`), and nothing is saved.',
  tag: 'segments',
  roles: ['marketing', 'admin'],
  params: SegmentPath,
  body: SegmentRequest,
  response: { status: 200, description: 'The segment', schema: SegmentAnswer },
  errors: [422],
  conflicts: ['The segment changed meanwhile (another request saved it): reload it and retry'],
  unprocessable: [
    `A new segment beyond the ${MAX_SEGMENTS} a company may define (\`too_many_segments\`): every segment is read wherever segments are compiled`,
  ],
  async handle({ params, body, caller, deps }) {
    await refuseUnknownMembers(deps, body);
    const previous = await deps.segments.find(params.segmentId);
    const segment: Segment = {
      segmentId: params.segmentId,
      ...body,
      updatedBy: caller.userId,
      updatedAt: deps.now().toISOString(),
    };
    await deps.segments.put(segment, previous);
    return { status: 200, body: { segment } };
  },
});

/**
 * Directory entries one request reads per shard to answer who is in a segment: the request's work
 * is bounded (16 parallel queries of this size), whatever the directory's size. A directory of up
 * to about 2,000 people is read whole, so the count is exact; beyond that the answer says so, and
 * the exact audience of a post comes from a campaign preview, which walks the directory as a job.
 */
export const MEMBERS_READ_PER_SHARD = 125;

const MemberSample = z.object({ employeeId: z.string(), name: z.string(), email: z.string() });
const MembersAnswer = z.object({
  count: z.number().int(),
  complete: z.boolean(),
  members: z.array(MemberSample),
});
const MEMBERS_DESCRIPTION = `Reads at most ${MEMBERS_READ_PER_SHARD * DIRECTORY_SHARDS} directory entries. \`complete\` says whether that was the whole directory: when true, \`count\` is exact; when false, \`count\` counts the members among the entries read (a lower bound) and \`members\` are the first by name among them. For the exact audience of a post, run a campaign preview (\`POST /campaigns/preview\`), a background job.`;

/**
 * Who a definition holds among the active people of a bounded read of the directory (one page
 * of each shard, in parallel): the count, whether it is exact, and the first `limit` by name.
 */
const membersOf = async (
  deps: ApiDependencies,
  definition: Pick<Segment, 'rule' | 'members'>,
  limit: number,
): Promise<z.infer<typeof MembersAnswer>> => {
  const isMember = compileSegment(definition);
  const pages = await Promise.all(
    Array.from({ length: DIRECTORY_SHARDS }, (_, shard) =>
      deps.employees.directoryPage(shard, undefined, MEMBERS_READ_PER_SHARD),
    ),
  );
  const members = pages
    .flatMap((page) => page.employees)
    .filter((e) => e.status === 'active' && isMember(e));
  members.sort((a, b) => a.name.localeCompare(b.name));
  return {
    count: members.length,
    complete: pages.every((page) => page.next === undefined),
    members: members
      .slice(0, limit)
      .map(({ employeeId, name, email }) => ({ employeeId, name, email })),
  };
};

export const previewSegment = defineRoute({
  summary: 'Who is in a segment: how many active people, and the first of them',
  description: MEMBERS_DESCRIPTION,
  tag: 'segments',
  roles: ['marketing', 'admin'],
  params: SegmentPath,
  query: z.strictObject({ limit: Limit }),
  response: {
    status: 200,
    description: 'The count and the first members by name',
    schema: MembersAnswer.extend({ segmentId: SegmentId }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const segment = await deps.segments.get(params.segmentId);
    return {
      status: 200,
      body: { segmentId: params.segmentId, ...(await membersOf(deps, segment, query.limit)) },
    };
  },
});

export const previewUnsavedSegment = defineRoute({
  summary: 'Who a segment would hold, before it is saved: a rule or a list of members',
  description: `The live preview of a segment being built: the same answer as \`GET /segments/{segmentId}/members\`, for a definition sent in the body (a \`rule\` or \`members\`, as \`PUT /segments/{segmentId}\` takes them). Nothing is saved. A list with an email nobody in the directory holds is refused as saving it would be (400, one field issue per email). ${MEMBERS_DESCRIPTION}`,
  tag: 'segments',
  roles: ['marketing', 'admin'],
  query: z.strictObject({ limit: Limit }),
  body: SegmentDefinition,
  response: {
    status: 200,
    description: 'The count and the first members by name',
    schema: MembersAnswer,
  },
  async handle({ query, body, deps }) {
    await refuseUnknownMembers(deps, body);
    return { status: 200, body: await membersOf(deps, body, query.limit) };
  },
});
