import type { CompiledPolicy } from '#shared/compliance/compiled-policy';
import type { ComplianceFinding } from '#shared/compliance/finding';
import type { DisclaimerRule } from '#shared/compliance/policy';
import type { FoldedText } from '#shared/compliance/text-matcher';
import type { KnownNetwork } from '#shared/networks/limits';

/** What a rule sees: the final text for one network, what the post is about, the policy. */
export interface RuleInput {
  text: string;
  /** The text folded once for every phrase matcher. */
  folded: FoldedText;
  network: KnownNetwork;
  topics: readonly string[];
  /** The disclaimers this text must carry. */
  required: readonly DisclaimerRule[];
  policy: CompiledPolicy;
}

export type Rule = (input: RuleInput) => ComplianceFinding[];

/** A rule scoped to topics applies when the post has one of them; unscoped rules always do. */
export const inScope = (scope: readonly string[], topics: readonly string[]): boolean =>
  scope.length === 0 || scope.some((t) => topics.includes(t));

export const quote = (text: string, max = 60): string =>
  text.length > max ? `“${text.slice(0, max - 1)}…”` : `“${text}”`;
