import { z } from 'zod';
import { defineRoute } from '#functions/api/route';
import { Limit } from '#functions/api/schemas';
import { compileSegment, Segment, SegmentId, SegmentRequest } from '#shared/employees/segment';

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
  errors: [409],
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

export const previewSegment = defineRoute({
  summary: 'Who is in a segment: how many active people, and the first of them',
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
      members: z.array(z.object({ employeeId: z.string(), name: z.string(), email: z.string() })),
    }),
  },
  errors: [404],
  async handle({ params, query, deps }) {
    const isMember = compileSegment(await deps.segments.get(params.segmentId));
    const members = await deps.employees.everyone((e) => e.status === 'active' && isMember(e));
    members.sort((a, b) => a.name.localeCompare(b.name));
    return {
      status: 200,
      body: {
        segmentId: params.segmentId,
        count: members.length,
        members: members
          .slice(0, query.limit)
          .map(({ employeeId, name, email }) => ({ employeeId, name, email })),
      },
    };
  },
});
