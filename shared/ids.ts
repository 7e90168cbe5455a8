import { randomUUID } from 'node:crypto';
import { sha256 } from '#shared/hash';

export const newPostId = (): string => `post_${randomUUID()}`;
export const newCampaignId = (): string => `cmp_${randomUUID()}`;

/**
 * An employee's id is drawn once, when their directory entry is created, and stored: it never
 * follows from an email, which can change hands. Hex, so it spreads over the directory shards.
 */
export const newEmployeeId = (): string => `emp_${randomUUID().replaceAll('-', '').slice(0, 20)}`;

/**
 * A share's id follows from (campaign, employee, network): a redelivered job, a retried Lambda or
 * a replayed event lands on the same id, so conditional writes make it happen once.
 */
export const shareIdFor = (campaignId: string, employeeId: string, network: string): string =>
  `shr_${sha256(`${campaignId}\u0000${employeeId}\u0000${network}`).slice(0, 32)}`;

export const newJobId = (): string => `job_${randomUUID()}`;
