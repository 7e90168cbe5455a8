import type { Segment, SegmentDefinition, SegmentRequest } from '#shared/employees/segment';
import { request } from './api';

/**
 * Segments: the list, saving one, and who a definition holds (saved or not). Types from the
 * API's own schemas (type-only: no zod here).
 */
export type { Segment, SegmentDefinition, SegmentRequest };
export type Condition = NonNullable<SegmentDefinition['rule']>['all'][number];
export type Attribute = Condition['attribute'];

export interface Members {
  count: number;
  /** True when the whole directory was read, so `count` is exact (else a lower bound). */
  complete: boolean;
  members: { employeeId: string; name: string; email: string }[];
}

export const listSegments = () => request<{ segments: Segment[] }>('GET', '/segments');

export const saveSegment = (segmentId: string, segment: SegmentRequest) =>
  request<{ segment: Segment }>('PUT', `/segments/${encodeURIComponent(segmentId)}`, segment);

/** Who an unsaved definition would hold: the count and the first 10 by name. */
export const previewMembers = (definition: SegmentDefinition) =>
  request<Members>('POST', '/segments/preview?limit=10', definition);
