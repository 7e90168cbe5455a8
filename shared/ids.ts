import { randomUUID } from 'node:crypto';
import { sha256 } from '#shared/hash';

export const newPostId = (): string => `post_${randomUUID()}`;
export const newCampaignId = (): string => `cmp_${randomUUID()}`;

/** An employee's id follows from their email, so importing the same person twice is one person. */
export const employeeIdFor = (email: string): string =>
  `emp_${sha256(email.trim().toLowerCase()).slice(0, 20)}`;

/**
 * A share's id follows from (campaign, employee, network): a redelivered job, a retried Lambda or
 * a replayed event lands on the same id, so conditional writes make it happen once.
 */
export const shareIdFor = (campaignId: string, employeeId: string, network: string): string =>
  `shr_${sha256(`${campaignId}\u0000${employeeId}\u0000${network}`).slice(0, 32)}`;
