import { newJobId } from '#shared/ids';
import { type Job, noCounts } from '#shared/jobs/job';
import { newThanksProgress, type Thanks } from '#shared/recognition/thanks';
import { DIRECTORY_SHARDS } from '#shared/store/employees';

/**
 * The job that thanks a segment's members: queued, with the thanks drawn in the request. The
 * request itself reads no directory; the job runner walks it (functions/job-runner/thank-segment).
 */
export const segmentThanksJob = (thanks: Thanks, segmentId: string, actor: string): Job => ({
  jobId: newJobId(),
  kind: 'segmentThanks',
  state: 'queued',
  createdBy: actor,
  createdAt: thanks.at,
  updatedAt: thanks.at,
  startedAt: thanks.at,
  parts: {},
  rowsTotal: 0,
  rowsDone: 0,
  counts: noCounts(),
  checkpoint: { part: 1, row: 0 },
  thanks: newThanksProgress(thanks, segmentId, DIRECTORY_SHARDS),
});
