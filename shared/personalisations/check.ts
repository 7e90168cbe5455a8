import type { CheckTarget } from '#shared/compliance/engine';
import type { Employee } from '#shared/employees/employee';
import { ComplianceBlockedError } from '#shared/errors';
import { sha256 } from '#shared/hash';
import { type OwnWordsDependencies, renderOwnWords } from '#shared/personalisations/own-words';
import {
  type Personalisation,
  personalisationIdOf,
  statusFor,
} from '#shared/personalisations/personalisation';
import { contentHashOf } from '#shared/posts/content-hash';
import type { Post } from '#shared/posts/post';
import type { RenderedText } from '#shared/shares/final-text';
import type { PersonalisationStore } from '#shared/store/personalisations';

export interface PersonalisationCheckDependencies extends OwnWordsDependencies {
  personalisations: Pick<PersonalisationStore, 'save'>;
  now: () => Date;
}

/**
 * Checks an employee's own wording of a post for one network, as the share worker checks any
 * share, and keeps it with its audit entry: clean → approved, `review` → waits for legal,
 * `block` → refused with every finding and nothing stored. Both the personalisation route and a
 * share in one's own words (the feed) check through here.
 */
export const checkPersonalisation = async (
  deps: PersonalisationCheckDependencies,
  /** Who is writing: the signed-in person (`sub`). */
  authorId: string,
  employee: Employee,
  post: Post,
  target: CheckTarget,
  ownWords: string,
): Promise<{ personalisation: Personalisation; rendered: RenderedText }> => {
  const at = deps.now();
  const { rendered, whole, policyVersion } = await renderOwnWords(
    deps,
    employee,
    post,
    target,
    ownWords,
  );
  const { findings, outcome } = rendered;
  if (outcome === 'blocked') {
    throw new ComplianceBlockedError(
      'Your text cannot be shared: see each finding for what to change',
      findings,
      rendered.text,
    );
  }
  const personalisation: Personalisation = {
    personalisationId: personalisationIdOf(employee.employeeId, post.postId, target.network),
    employeeId: employee.employeeId,
    authorId,
    postId: post.postId,
    network: target.network,
    text: whole,
    ownText: ownWords,
    textHash: sha256(whole),
    status: statusFor(outcome),
    findings,
    policyVersion,
    baseHash: contentHashOf(post),
    checkedAt: at.toISOString(),
  };
  await deps.personalisations.save(personalisation, {
    at: personalisation.checkedAt,
    actor: authorId,
    action: 'personalisation.checked',
    subject: { postId: post.postId, version: post.version },
    before: null,
    after: {
      employeeId: employee.employeeId,
      network: target.network,
      status: personalisation.status,
      findings: findings.map((f) => `${f.severity}:${f.ruleId}`),
      policyVersion,
      textHash: personalisation.textHash,
    },
  });
  return { personalisation, rendered };
};
