import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { compileSegment, Segment, SegmentId, SegmentRequest } from '#shared/employees/segment';
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

export const putSegment = defineRoute({
  summary: 'Define (or redefine) a segment: a rule over directory attributes, or a list of people',
  description:
    'Rules test department, location, groups, language, timeZone, manager or jurisdiction; every condition must hold, and values compare without regard to case.',
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

export const previewSegment = defineRoute({
  summary: 'Who is in a segment: how many active people, and the first of them',
  description: `Reads at most ${MEMBERS_READ_PER_SHARD * DIRECTORY_SHARDS} directory entries. \`complete\` says whether that was the whole directory: when true, \`count\` is exact; when false, \`count\` counts the members among the entries read (a lower bound) and \`members\` are the first by name among them. For the exact audience of a post, run a campaign preview (\`POST /campaigns/preview\`), a background job.`,
  tag: 'segments',
  roles: ['marketing', 'admin'],
  params: SegmentPath,
  query: z.strictObject({ limit: Limit }),
  response: {
    status: 200,
    description: 'The count and the first members by name',
    schema: z.object({
      segmentId: SegmentId,
      count: z.number().int(),
      complete: z.boolean(),
      members: z.array(z.object({ employeeId: z.string(), name: z.string(), email: z.string() })),
    }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const isMember = compileSegment(await deps.segments.get(params.segmentId));
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
      status: 200,
      body: {
        segmentId: params.segmentId,
        count: members.length,
        complete: pages.every((page) => page.next === undefined),
        members: members
          .slice(0, query.limit)
          .map(({ employeeId, name, email }) => ({ employeeId, name, email })),
      },
    };
  },
});
