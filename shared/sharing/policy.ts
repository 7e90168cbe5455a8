import { z } from 'zod';
import { DailyCap, SharingHours } from '#shared/employees/consent';

/**
 * The company's side of sharing (admin): defaults for people who did not choose, the most any
 * employee may allow, and what it will spend on networks' API fees. It has no auto-share switch:
 * only an employee turns that on.
 */
export const SharingPolicyInput = z
  .strictObject({
    defaults: z.strictObject({ sharingHours: SharingHours, dailyCap: DailyCap }),
    maxDailyCap: DailyCap,
    /** USD per calendar month (UTC) of estimated network API fees; null: no limit. */
    monthlyBudgetUsd: z.number().nonnegative().max(10_000_000).nullable(),
  })
  .refine((p) => p.defaults.dailyCap <= p.maxDailyCap, {
    path: ['defaults', 'dailyCap'],
    message: 'must not exceed maxDailyCap',
  });
export type SharingPolicyInput = z.infer<typeof SharingPolicyInput>;

export const SharingPolicy = z.object({
  ...SharingPolicyInput.shape,
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type SharingPolicy = z.infer<typeof SharingPolicy>;

export const defaultSharingPolicy: SharingPolicy = {
  version: 1,
  updatedBy: 'system',
  updatedAt: '2026-01-01T00:00:00.000Z',
  defaults: {
    sharingHours: { from: '08:00', to: '19:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
    dailyCap: 3,
  },
  maxDailyCap: 10,
  monthlyBudgetUsd: null,
};
