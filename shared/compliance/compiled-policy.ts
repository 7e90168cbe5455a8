import type { CompliancePolicy, FairBalanceRule, LexiconEntry } from '#shared/compliance/policy';
import { createPhraseMatcher, type PhraseMatcher } from '#shared/compliance/text-matcher';

/** A policy with its phrase dictionaries compiled, once per policy object. */
/** Lexicon entries sharing one topic scope, matched together. */
export interface LexiconGroup {
  topics: readonly string[];
  matcher: PhraseMatcher<LexiconEntry>;
}

export interface CompiledPolicy {
  policy: CompliancePolicy;
  /**
   * One automaton per topic scope: where phrases overlap the longest wins, and that must never
   * be an entry whose scope does not apply (a funds-only phrase hiding a general one).
   */
  lexicon: readonly LexiconGroup[];
  disclosure: PhraseMatcher<{ phrase: string }>;
  rejectedDisclosure: PhraseMatcher<{ phrase: string }>;
  benefits: PhraseMatcher<{ phrase: string; rule: FairBalanceRule }>;
  risks: PhraseMatcher<{ phrase: string; rule: FairBalanceRule }>;
}

const groupByScope = (entries: readonly LexiconEntry[]): LexiconGroup[] => {
  const groups = new Map<string, LexiconEntry[]>();
  for (const entry of entries) {
    const key = [...entry.topics].sort().join('|');
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()].map((group) => ({
    topics: group[0]?.topics ?? [],
    matcher: createPhraseMatcher(group),
  }));
};

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
      lexicon: groupByScope(policy.lexicon),
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
