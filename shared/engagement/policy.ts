import { z } from 'zod';
import { NetworkName } from '#shared/networks/network';

/**
 * The company's side of engagement (admin): how often shares are read back, and what a figure is
 * worth in earned media value.
 */

/** One step of the polling cadence: while a post is younger than `untilAgeHours`, read it every `everyMinutes`. */
export const CadenceStep = z.strictObject({
  untilAgeHours: z
    .number()
    .positive()
    .max(24 * 90),
  everyMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60),
});
export type CadenceStep = z.infer<typeof CadenceStep>;

export const Cadence = z
  .array(CadenceStep)
  .min(1)
  .max(12)
  .refine(
    (steps) =>
      steps.every((s, i) => i === 0 || s.untilAgeHours > (steps[i - 1]?.untilAgeHours ?? 0)),
    {
      message: 'steps must be in increasing untilAgeHours',
    },
  );

/** What reach and engagement are worth, per network, in USD: what buying them would have cost. */
export const MediaRates = z.strictObject({
  /** USD per 1,000 impressions. */
  cpm: z.number().nonnegative().max(1000),
  /** USD per click (and per weighted reaction). */
  cpc: z.number().nonnegative().max(1000),
});
export type MediaRates = z.infer<typeof MediaRates>;

export const EngagementPolicyInput = z.strictObject({
  cadence: Cadence,
  /** A network's own cadence instead of the default (X charges per post read per UTC day). */
  networkCadence: z.partialRecord(NetworkName, Cadence),
  /** How many clicks one reaction is worth in EMV. */
  reactionWeight: z.number().nonnegative().max(100),
  mediaRates: z.partialRecord(NetworkName, MediaRates),
});
export type EngagementPolicyInput = z.infer<typeof EngagementPolicyInput>;

export const EngagementPolicy = z.object({
  ...EngagementPolicyInput.shape,
  version: z.number().int().positive(),
  updatedBy: z.string(),
  updatedAt: z.iso.datetime(),
});
export type EngagementPolicy = z.infer<typeof EngagementPolicy>;

const step = (untilAgeHours: number, everyMinutes: number): CadenceStep => ({
  untilAgeHours,
  everyMinutes,
});

export const defaultEngagementPolicy: EngagementPolicy = {
  version: 1,
  updatedBy: 'system',
  updatedAt: '2026-01-01T00:00:00.000Z',
  cadence: [step(2, 15), step(24, 60), step(7 * 24, 6 * 60), step(30 * 24, 24 * 60)],
  // Each distinct UTC day an X post is read costs a read fee: read it daily for a week, then stop.
  networkCadence: { x: [step(2, 30), step(24, 6 * 60), step(7 * 24, 24 * 60)] },
  reactionWeight: 0.5,
  // Typical 2026 paid-social list rates; the admin sets the company's own.
  mediaRates: {
    linkedin: { cpm: 33.8, cpc: 5.58 },
    x: { cpm: 6.46, cpc: 0.38 },
    bluesky: { cpm: 5, cpc: 0.5 },
    mastodon: { cpm: 5, cpc: 0.5 },
    sandbox: { cpm: 10, cpc: 1 },
  },
};
