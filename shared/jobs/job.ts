import { z } from 'zod';
import { AnalyticsJob } from '#shared/analytics/report-job';
import type { Role } from '#shared/auth/roles';
import { PreviewProgress } from '#shared/campaigns/preview';
import { EmployeeRequest } from '#shared/employees/employee';
import { ImportCounts, JobState } from '#shared/jobs/import-report';
import { ImpactProgress } from '#shared/jobs/policy-impact';
import { ThanksProgress } from '#shared/recognition/thanks';

// What an import reports lives in its own file, so the console can take its types alone.
export {
  ImportCounts,
  JobState,
  noCounts,
  RejectedRow,
} from '#shared/jobs/import-report';
/**
 * Long work (a directory import, a campaign preview, thanking a segment, a large analytics
 * report) runs as a job: the request that starts it answers at once, the
 * job runner works through it in slices with a checkpoint, and anyone who may start it reads its
 * progress. A job's file arrives in parts, each under the API's body cap.
 */
export const JOB_KINDS = [
  'directoryImport',
  'campaignPreview',
  'segmentThanks',
  'analyticsReport',
  'policyImpact',
] as const;
export const JobKind = z.enum(JOB_KINDS);
export type JobKind = z.infer<typeof JobKind>;

/** Who may follow a job of each kind: those who may start it. */
export const JOB_READERS: Record<JobKind, readonly Role[]> = {
  directoryImport: ['admin'],
  campaignPreview: ['marketing', 'admin'],
  segmentThanks: ['marketing', 'admin'],
  analyticsReport: ['marketing', 'admin'],
  policyImpact: ['legal', 'admin'],
};

/** A part is stored as one item, so it stays well under DynamoDB's 400 KB item limit. */
export const PART_MAX_BYTES = 300_000;
/** 200 parts of 300 KB: 60 MB, about 600,000 directory rows. */
export const MAX_PARTS = 200;
/** Rejections kept with their reasons; beyond this only counted, as a report has to end. */
export const MAX_STORED_REJECTIONS = 1_000;

export const PartNumber = z.coerce.number().int().min(1).max(MAX_PARTS);

export const PartSummary = z.object({
  /** Data rows in the part (the header row of part 1 not counted). */
  rows: z.number().int().nonnegative(),
  /** Line breaks in the part's text, to number rows across parts as one file. */
  lines: z.number().int().nonnegative(),
  sha256: z.string().length(64),
});
export type PartSummary = z.infer<typeof PartSummary>;

/** Where the runner is: the next row to process, as (part, index of the row in that part). */
export const JobCheckpoint = z.object({ part: z.number().int(), row: z.number().int() });
export type JobCheckpoint = z.infer<typeof JobCheckpoint>;

export const Job = z.object({
  jobId: z.string(),
  kind: JobKind,
  state: JobState,
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  /** The columns of part 1's header row, once part 1 is in. */
  columns: z.array(EmployeeRequest.keyof()).optional(),
  parts: z.record(z.string(), PartSummary),
  /** How many parts the client said it would send, if it said. */
  partsDeclared: z.number().int().optional(),
  rowsTotal: z.number().int(),
  rowsDone: z.number().int(),
  counts: ImportCounts,
  checkpoint: JobCheckpoint,
  /** A campaign preview's request, its walk through the directory and its tallies so far. */
  preview: PreviewProgress.optional(),
  /** A segment's thanks: what is sent, and how far through the directory it got. */
  thanks: ThanksProgress.optional(),
  /** A background analytics report: its scope, and the report once done (`rowsDone`: shares read). */
  analytics: AnalyticsJob.optional(),
  /** A policy-impact job: its walk, and what the draft would block so far. */
  impact: ImpactProgress.optional(),
});
export type Job = z.infer<typeof Job>;

/** Parts 1..n, each present: the file is whole. */
export const missingParts = (job: Pick<Job, 'parts' | 'partsDeclared'>): number[] => {
  const numbers = Object.keys(job.parts).map(Number);
  const last = Math.max(job.partsDeclared ?? 0, ...numbers, 0);
  return Array.from({ length: last }, (_, i) => i + 1).filter((n) => !job.parts[String(n)]);
};

/** The file line a part's text starts on: part 1 on line 1, each next after the lines before. */
export const firstLineOf = (job: Pick<Job, 'parts'>, part: number): number => {
  let line = 1;
  for (let n = 1; n < part; n++) line += job.parts[String(n)]?.lines ?? 0;
  return line;
};

export const lineBreaks = (text: string): number => {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
  // A part that does not end with a line break still ends its last row.
  return text.length > 0 && !text.endsWith('\n') ? count + 1 : count;
};
