import type { CheckTarget } from '#shared/compliance/engine';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { quote } from '#shared/compliance/rules/rule';
import type { Employee } from '#shared/employees/employee';
import { ValidationError } from '#shared/errors';
import { type CopyVariant, type Post, variantsFor } from '#shared/posts/post';
import { type RenderedText, renderForNetwork, standInLink } from '#shared/shares/final-text';

export interface OwnWordsDependencies {
  compliancePolicies: { current(): Promise<CompliancePolicy> };
  /** The API's address: the stand-in for the tracked link is made on it. */
  apiUrl: string;
}

/**
 * An employee's own words for one network, the locked parts placed around them exactly as the
 * share worker places them, checked as the share worker checks: the whole text, its findings with
 * spans in it. Words that repeat a locked part are refused, since it is placed anyway.
 */
export const renderOwnWords = async (
  deps: OwnWordsDependencies,
  employee: Employee,
  post: Post,
  target: CheckTarget,
  ownWords: string,
  field = 'text',
): Promise<{ rendered: RenderedText; whole: string; policyVersion: number }> => {
  const policy = await deps.compliancePolicies.current();
  const variant = post.variants.indexOf(variantsFor(post, target.network)[0] as CopyVariant);
  const request = {
    post,
    variant,
    network: target.network,
    policy,
    reader: { name: employee.name, jurisdiction: employee.jurisdiction },
    ownWords,
  };
  const rendered = renderForNetwork({ ...request, postedLink: standInLink(deps.apiUrl) });
  const locked = rendered.parts
    .filter((part) => part.kind === 'disclaimer' || part.kind === 'link')
    .map((part) => ({ part, text: rendered.text.slice(part.start, part.end) }));
  const repeated = locked.filter(
    ({ part, text }) =>
      ownWords.includes(text) ||
      (part.kind === 'link' && post.link && ownWords.includes(post.link)),
  );
  if (repeated.length > 0) {
    throw new ValidationError('Send only your own words: Chorus places the locked parts itself', [
      ...repeated.map(({ part, text }) => ({
        field,
        message:
          part.kind === 'link'
            ? 'repeats the post’s link, which is added (as your tracked link) for you'
            : `repeats the disclaimer ${quote(text)}, which is added for you`,
      })),
    ]);
  }
  // What the share worker posts: the whole text with the post's link, swapped for the tracked one.
  const whole = renderForNetwork(request).text;
  return { rendered, whole, policyVersion: policy.version };
};
