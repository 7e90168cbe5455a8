import type { CompliancePolicy, FairBalanceRule, LexiconEntry } from '#shared/compliance/policy';
import { createPhraseMatcher, type PhraseMatcher } from '#shared/compliance/text-matcher';

/** A policy with its phrase dictionaries compiled, once per policy object. */
export interface CompiledPolicy {
  policy: CompliancePolicy;
  lexicon: PhraseMatcher<LexiconEntry>;
  disclosure: PhraseMatcher<{ phrase: string }>;
  rejectedDisclosure: PhraseMatcher<{ phrase: string }>;
  benefits: PhraseMatcher<{ phrase: string; rule: FairBalanceRule }>;
  risks: PhraseMatcher<{ phrase: string; rule: FairBalanceRule }>;
}

const compiled = new WeakMap<CompliancePolicy, CompiledPolicy>();

export const compilePolicy = (policy: CompliancePolicy): CompiledPolicy => {
  let result = compiled.get(policy);
  if (!result) {
    const sides = (side: 'benefits' | 'risks') =>
      createPhraseMatcher(
        policy.fairBalance.flatMap((rule) => rule[side].map((phrase) => ({ phrase, rule }))),
      );
    result = {
      policy,
      lexicon: createPhraseMatcher(policy.lexicon),
      disclosure: createPhraseMatcher(policy.disclosure.accepted.map((phrase) => ({ phrase }))),
      rejectedDisclosure: createPhraseMatcher(
        policy.disclosure.rejected.map((phrase) => ({ phrase })),
      ),
      benefits: sides('benefits'),
      risks: sides('risks'),
    };
    compiled.set(policy, result);
  }
  return result;
};
