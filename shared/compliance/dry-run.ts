import type { Role } from '#shared/auth/roles';

/**
 * Who may dry-run a whole draft: the people who write and approve posts. An employee checks only
 * their own text for a post they may share, as a personalisation is checked.
 */
export const DRAFT_CHECKERS: readonly Role[] = ['marketing', 'legal', 'admin'];

/**
 * The most copy one dry run may carry, in characters. The engine is linear, but a draft is
 * checked once per variant and network, so the request size bounds the work an API call can
 * ask for: ten full LinkedIn variants fit, a request built to burn CPU does not.
 */
export const DRY_RUN_TEXT_BUDGET = 30_000;

/** The characters a dry run asks the engine to read: every variant's copy, the link, a text. */
export const dryRunTextLength = (request: {
  post?: { variants: readonly { text: string }[]; link?: string | undefined } | undefined;
  share?: { text: string } | undefined;
}): number =>
  (request.post?.variants ?? []).reduce((sum, variant) => sum + variant.text.length, 0) +
  (request.post?.link?.length ?? 0) +
  (request.share?.text.length ?? 0);
