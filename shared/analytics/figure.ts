import { z } from 'zod';

/**
 * Every figure says where it comes from: `measured` (read from the networks), `counted` (Chorus's
 * own records: shares, tracked-link clicks, audiences at share time) or `estimated` (a model).
 * A figure no network gives is `null`, never a zero.
 */
export const Figure = z.object({
  value: z.number().nullable(),
  source: z.enum(['measured', 'counted', 'estimated']),
  note: z.string().optional(),
});
export type Figure = z.infer<typeof Figure>;

export const counted = (value: number | null, note?: string): Figure => ({
  value,
  source: 'counted',
  ...(note ? { note } : {}),
});
export const measured = (value: number | null, note?: string): Figure => ({
  value,
  source: 'measured',
  ...(note ? { note } : {}),
});
export const estimated = (value: number | null, note?: string): Figure => ({
  value,
  source: 'estimated',
  ...(note ? { note } : {}),
});
