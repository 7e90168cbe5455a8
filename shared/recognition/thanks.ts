import { z } from 'zod';

/** A thank-you from marketing: each recipient gets a copy under their own key. */
export const Thanks = z.object({
  thanksId: z.string(),
  from: z.string(),
  message: z.string(),
  at: z.string(),
});
export type Thanks = z.infer<typeof Thanks>;

/**
 * A segment's thanks as a background job: the thanks itself (drawn once, in the request, so every
 * run writes the same items), the segment, and the job's walk through the directory. Each page's
 * recipients are written under keys fixed by the thanks, so a page written twice (a duplicated or
 * redelivered run) thanks nobody twice, and only the run that moves the checkpoint counts them.
 */
export const ThanksProgress = z.object({
  thanks: Thanks,
  segmentId: z.string(),
  shard: z.number().int().nonnegative(),
  cursor: z.record(z.string(), z.unknown()).optional(),
  shardsTotal: z.number().int().positive(),
  /** Pages read so far: the job's counter, which numbers the events its checkpoints commit. */
  pages: z.number().int().nonnegative(),
  recipients: z.number().int().nonnegative(),
});
export type ThanksProgress = z.infer<typeof ThanksProgress>;

export const newThanksProgress = (
  thanks: Thanks,
  segmentId: string,
  shardsTotal: number,
): ThanksProgress => ({ thanks, segmentId, shard: 0, shardsTotal, pages: 0, recipients: 0 });

/** Where the walk goes after a page: on in the shard, or to the next shard. */
export const afterPage = (
  progress: ThanksProgress,
  thanked: number,
  next: Record<string, unknown> | undefined,
): ThanksProgress => {
  const { cursor: _read, ...rest } = progress;
  const moved = {
    ...rest,
    pages: progress.pages + 1,
    recipients: progress.recipients + thanked,
  };
  return next ? { ...moved, cursor: next } : { ...moved, shard: progress.shard + 1 };
};
