import { z } from 'zod';
import type { Employee, EmployeeAttributes } from '#shared/employees/employee';

export const SegmentId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');

/** The directory attributes a rule may test; anything else is a 400 naming the attribute. */
export const SegmentAttribute = z.enum([
  'department',
  'location',
  'groups',
  'language',
  'timeZone',
  'manager',
  'jurisdiction',
]);
export type SegmentAttribute = z.infer<typeof SegmentAttribute> & keyof EmployeeAttributes;

/** True when the attribute has one of the values (for `groups`, when any group does). */
export const Condition = z.strictObject({
  attribute: SegmentAttribute,
  in: z.array(z.string().trim().min(1).max(254)).min(1).max(100),
});
export type Condition = z.infer<typeof Condition>;

const MAX_LISTED_MEMBERS = 5_000;

/** How a segment says who is in it: a rule over attributes (every condition holds), or a list. */
const definition = {
  rule: z.strictObject({ all: z.array(Condition).max(10) }).optional(),
  members: z.array(z.email().toLowerCase()).min(1).max(MAX_LISTED_MEMBERS).optional(),
};
const eitherRuleOrMembers = (s: { rule?: unknown; members?: unknown }) =>
  (s.rule === undefined) !== (s.members === undefined);
const NOT_BOTH = { path: ['rule'], message: 'give either a rule or a list of members, not both' };

/** Who a segment holds, without its name: what a preview of an unsaved segment is asked about. */
export const SegmentDefinition = z.strictObject(definition).refine(eitherRuleOrMembers, NOT_BOTH);
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;

export const SegmentRequest = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().max(500).optional(),
    ...definition,
  })
  .refine(eitherRuleOrMembers, NOT_BOTH);
export type SegmentRequest = z.infer<typeof SegmentRequest>;

export const Segment = z.object({
  segmentId: SegmentId,
  name: z.string(),
  description: z.string().optional(),
  rule: z.object({ all: z.array(Condition) }).optional(),
  members: z.array(z.string()).optional(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type Segment = z.infer<typeof Segment>;

const valuesOf = (employee: Employee, attribute: SegmentAttribute): string[] => {
  const value = employee[attribute];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => v.toLowerCase());
};

/**
 * A segment as a predicate over employees. Values compare without regard to case: "Sales" in
 * the HR export and "sales" in a rule are the same department.
 */
export const compileSegment = (
  segment: Pick<Segment, 'rule' | 'members'>,
): ((employee: Employee) => boolean) => {
  if (segment.members) {
    const members = new Set(segment.members);
    return (employee) => members.has(employee.email);
  }
  const conditions = (segment.rule?.all ?? []).map((c) => ({
    attribute: c.attribute as SegmentAttribute,
    values: new Set(c.in.map((v) => v.toLowerCase())),
  }));
  return (employee) =>
    conditions.every((c) => valuesOf(employee, c.attribute).some((v) => c.values.has(v)));
};

/** True for anyone in at least one of the named segments (unknown ids match nobody). */
export const inAnyOf = (
  segments: readonly Segment[],
  segmentIds: readonly string[],
): ((employee: Employee) => boolean) => {
  const members = segments.filter((s) => segmentIds.includes(s.segmentId)).map(compileSegment);
  return (employee) => members.some((isMember) => isMember(employee));
};

/** The ids of the segments an employee belongs to. */
export const segmentsOf = (employee: Employee, segments: readonly Segment[]): string[] =>
  segments.filter((s) => compileSegment(s)(employee)).map((s) => s.segmentId);
