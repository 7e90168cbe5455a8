import { z } from 'zod';

export const PointsAction = z.enum([
  'share',
  'clickReceived',
  'engagementReceived',
  'networkConnected',
  'suggestionAccepted',
]);
export type PointsAction = z.infer<typeof PointsAction>;

/**
 * One ledger entry: why someone earned points, under which rules. Written once (its id says what
 * it is for, so the same fact never earns twice) and never changed; totals are sums of entries.
 */
export const PointsEntry = z.object({
  employeeId: z.string(),
  entryId: z.string(),
  at: z.iso.datetime(),
  lines: z
    .array(
      z.object({
        action: PointsAction,
        quantity: z.number().int().positive(),
        points: z.number().int(),
      }),
    )
    .min(1),
  points: z.number().int(),
  policyVersion: z.number().int().positive(),
  shareId: z.string().optional(),
  network: z.string().optional(),
});
export type PointsEntry = z.infer<typeof PointsEntry>;
