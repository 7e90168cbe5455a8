import { URL_PATTERN } from '#shared/networks/limits';
import { PLACEHOLDER } from '#shared/posts/template';

/**
 * Every regular expression the compliance engine runs, in one place, because anyone may send
 * the engine text (a dry run, a personalisation): a pattern that backtracks super-linearly turns
 * a few kilobytes into seconds of CPU. test/unit/compliance-patterns.test.ts runs each one
 * through a static ReDoS checker, and fails when a regular expression in shared/compliance is
 * written anywhere but here. Structure that a pattern could only express ambiguously (URLs,
 * email domains) is parsed in code instead.
 */
export const PATTERNS = {
  // Policy validation (legal's input).
  /** Regex syntax in a phrase. `[^[\]]` stops at the next `[`, so no run is rescanned. */
  regexSyntax: /(\\[dws.]|\.\*|\.\+|\[[^[\]]*\]|\(\?|[*+?]\))/,
  policyDomain: /^(?:[a-z0-9-]+\.)+[a-z]{2,}$/,
  jurisdiction: /^[A-Z]{2}$/,
  ruleId: /^[a-z0-9-]{1,60}$/,

  // Folding and phrase matching.
  gap: /[\s\-‐‑–]/u,
  apostrophe: /[’‘`]/u,
  combiningMarks: /\p{M}/gu,
  endsInLetter: /[a-z]$/,
  wordChar: /[\p{L}\p{N}]/u,
  whitespaceRun: /\s+/g,
  words: /[\p{L}\p{N}]+/gu,
  nonSpaceRun: /\S+/g,

  // Links: a dotted run of host characters; what makes it a link is decided in code.
  hostRun: /[\p{L}\p{N}\p{M}\p{Cf}_·-]+(?:[.。．｡][\p{L}\p{N}\p{M}\p{Cf}_·-]+)*/gu,
  hostDot: /[.。．｡]/u,
  /** Global: the link scanner sets `lastIndex` to find the next space from a position. */
  whitespace: /\s/gu,
  /** A scheme, for an explicit URL found by its `://`. */
  scheme: /^[a-z][a-z0-9+.-]*$/i,

  // Personal data. An email is found by its `@` and domain; its local part is read backwards
  // in code, so a long run without `@` is not rescanned from every position.
  ssn: /\b\d{3}-\d{2}-\d{4}\b/g,
  ukNino: /\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b/g,
  mrn: /\bMRN[:#]? ?\d{6,10}\b/gi,
  emailDomain: /@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g,
  emailLocalChar: /[A-Za-z0-9._%+-]/,
  emailTld: /^[A-Za-z]{2,}$/,
  phone: /(?<![\w/])\+?\d(?:[ ().-]?\d){8,14}(?![\w/])/g,

  // Run by the engine on the text, though they belong elsewhere.
  /** How networks count URLs (length rule). */
  networkUrl: URL_PATTERN,
  /** Template fields filled before the text is checked. */
  templateField: PLACEHOLDER,
} as const satisfies Record<string, RegExp>;
