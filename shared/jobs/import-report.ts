import { z } from 'zod';

/**
 * What a job reports of itself and a directory import of its rows: its state, its counts and
 * the rows it rejected. Apart from the job (shared/jobs/job.ts) so the console's type-only
 * imports of these reach nothing else.
 *
 * A job's state: `receiving` parts → `queued` (started) → `running` → `done`; nothing else moves it.
 */
export const JobState = z.enum(['receiving', 'queued', 'running', 'done']);
export type JobState = z.infer<typeof JobState>;

export const ImportCounts = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
});
export type ImportCounts = z.infer<typeof ImportCounts>;

export const noCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, rejected: 0 });

export const RejectedRow = z.object({
  line: z.number().int(),
  email: z.string().optional(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type RejectedRow = z.infer<typeof RejectedRow>;
