import type { ApiDependencies } from '#functions/api/dependencies';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { UnprocessableError } from '#shared/errors';
import { DETAIL_TYPES } from '#shared/events/catalogue';
import { event } from '#shared/events/publisher';
import { sha256 } from '#shared/hash';
import { newJobId } from '#shared/ids';
import { type Job, noCounts, PART_MAX_BYTES } from '#shared/jobs/job';
import { newImpact } from '#shared/jobs/policy-impact';
import { DIRECTORY_SHARDS } from '#shared/store/employees';

/**
 * Opens a policy-impact job for a draft policy and announces it in the same transaction. The
 * draft is kept as the job's one part (a policy can be far larger than a job item may hold);
 * the job runner walks the directory, the approved posts and the scheduled campaigns.
 */
export const openImpact = async (
  deps: ApiDependencies,
  actor: string,
  draft: CompliancePolicy,
  basedOn: number,
): Promise<Job> => {
  const text = JSON.stringify(draft);
  const bytes = Buffer.byteLength(text);
  if (bytes > PART_MAX_BYTES) {
    throw new UnprocessableError(
      `A draft checked for impact may be at most ${PART_MAX_BYTES} bytes of JSON; this one is ${bytes}`,
    );
  }
  const now = deps.now();
  const job: Job = {
    jobId: newJobId(),
    kind: 'policyImpact',
    state: 'queued',
    createdBy: actor,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    startedAt: now.toISOString(),
    parts: { '1': { rows: 0, lines: 0, sha256: sha256(text) } },
    rowsTotal: 0,
    rowsDone: 0,
    counts: noCounts(),
    checkpoint: { part: 1, row: 0 },
    impact: newImpact(basedOn, DIRECTORY_SHARDS),
  };
  await deps.jobs.createStarted(
    job,
    text,
    [event(DETAIL_TYPES.jobRunDue, { jobId: job.jobId })],
    now,
  );
  return job;
};
