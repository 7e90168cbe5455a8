import { z } from 'zod';
import { ComplianceFinding, type ComplianceOutcome } from '#shared/compliance/finding';
import { KnownNetwork } from '#shared/networks/limits';

/**
 * An employee's own wording of an approved post for one network. It is checked like any post:
 * a clean edit is ready to share, one with a `review` finding waits for legal, one with a
 * `block` finding is refused and never stored.
 */
export const PersonalisationStatus = z.enum(['approved', 'pending_review', 'rejected']);
export type PersonalisationStatus = z.infer<typeof PersonalisationStatus>;

/**
 * What the employee writes: their own words only. Chorus places the locked parts (disclaimers,
 * the employment disclosure, the tracked link) around them itself, as for any share.
 */
export const PersonalisationRequest = z.strictObject({
  text: z.string().trim().min(1).max(5000),
});

export const Personalisation = z.object({
  personalisationId: z.string(),
  employeeId: z.string(),
  /** The signed-in person who wrote it; they cannot approve it. */
  authorId: z.string(),
  postId: z.string(),
  network: KnownNetwork,
  /** The whole text as checked: the employee's words with the locked parts placed around them. */
  text: z.string(),
  /** The employee's own words, what they edit; absent on edits written whole, before Chorus placed the locked parts. */
  ownText: z.string().optional(),
  /** What legal's decision names: the text it read, so a replaced text cannot be decided blind. */
  textHash: z.string(),
  status: PersonalisationStatus,
  findings: z.array(ComplianceFinding),
  policyVersion: z.number().int().positive(),
  /** The approved content it was written from; a new approval of the post makes it stale. */
  baseHash: z.string(),
  checkedAt: z.iso.datetime(),
  decidedBy: z.string().optional(),
  reason: z.string().optional(),
});
export type Personalisation = z.infer<typeof Personalisation>;

export const TextHash = z
  .string()
  .regex(/^[a-f0-9]{64}$/, 'the textHash the review queue showed with the text');

/** One personalisation per (employee, post, network); its id says which, readably. */
export const personalisationIdOf = (employeeId: string, postId: string, network: string) =>
  `${employeeId}~${postId}~${network}`;

export const PersonalisationId = z
  .string()
  .regex(/^emp_[a-f0-9]+~post_[a-f0-9-]+~[a-z]+$/, 'an id this API returned')
  .transform((id) => {
    const [employeeId = '', postId = '', network = ''] = id.split('~');
    return { employeeId, postId, network };
  });

/** Where a checked edit goes; `blocked` never gets this far. */
export const statusFor = (outcome: Exclude<ComplianceOutcome, 'blocked'>): PersonalisationStatus =>
  outcome === 'review' ? 'pending_review' : 'approved';
