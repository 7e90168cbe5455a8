import {
  foldText,
  type PhraseMatch,
  type PhraseMatcher,
  phraseForms,
} from '#shared/compliance/text-matcher';

/**
 * The same matching with one regular expression per phrase (compiled once): the obvious way to
 * write it, kept as the baseline the benchmark measures the automaton against.
 */
export const createRegexMatcher = <T extends { phrase: string }>(
  entries: readonly T[],
): PhraseMatcher<T> => {
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compiled = entries.map((entry) => ({
    entry,
    pattern: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${phraseForms(entry.phrase).map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
      'gu',
    ),
  }));
  return {
    find(text) {
      const { folded, origin } = foldText(text);
      const matches: PhraseMatch<T>[] = [];
      for (const { entry, pattern } of compiled) {
        for (const match of folded.matchAll(pattern)) {
          const start = origin[match.index] ?? 0;
          const end = origin[match.index + match[0].length] ?? text.length;
          matches.push({ entry, start, end, text: text.slice(start, end) });
        }
      }
      return matches.sort((a, b) => a.start - b.start || b.end - a.end);
    },
  };
};

/** The matches no longer match contains: what the automaton reports where phrases overlap. */
export const longestOnly = <T>(matches: readonly PhraseMatch<T>[]): PhraseMatch<T>[] =>
  matches.filter(
    (m) =>
      !matches.some(
        (other) =>
          other !== m &&
          other.start <= m.start &&
          m.end <= other.end &&
          other.end - other.start > m.end - m.start,
      ),
  );
