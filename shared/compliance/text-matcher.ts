import AhoCorasick from 'modern-ahocorasick';
import { PATTERNS } from '#shared/compliance/patterns';

/**
 * Whole-word, case- and accent-insensitive phrase matching with simple inflections, over a
 * dictionary of any size: the text is folded once (one pass, keeping where each folded character
 * came from), then one Aho–Corasick automaton finds every phrase in a single scan. Hyphens and
 * any run of whitespace (line breaks included) count as one space, so "risk-free" and "risk\nfree"
 * are "risk free". Where phrases overlap the longest wins ("guaranteed returns" rather than also
 * "guarantee" inside it): one finding per place, the most specific one.
 */
export interface FoldedText {
  folded: string;
  /** folded index → index in the original string; one extra entry for the end */
  origin: number[];
}

/** How one non-ASCII character folds: accents off, lower case, curly apostrophes straight. */
const foldChar = (char: string): string => {
  if (PATTERNS.gap.test(char)) return ' ';
  if (PATTERNS.apostrophe.test(char)) return "'";
  return char.normalize('NFD').replace(PATTERNS.combiningMarks, '').toLowerCase();
};

/**
 * One pass over the text; ASCII (nearly all of most posts) takes a fast path without
 * normalisation or regular expressions.
 */
export const foldText = (text: string): FoldedText => {
  const parts: string[] = [];
  const origin: number[] = [];
  let lastWasGap = false;
  for (let index = 0; index < text.length; ) {
    const code = text.charCodeAt(index);
    let piece: string;
    let width = 1;
    if (code < 128) {
      const gap = code === 32 || code === 45 || (code >= 9 && code <= 13);
      piece = gap
        ? ' '
        : code >= 65 && code <= 90
          ? String.fromCharCode(code + 32)
          : (text[index] as string);
    } else {
      const char = String.fromCodePoint(text.codePointAt(index) ?? code);
      width = char.length;
      piece = foldChar(char);
    }
    if (piece === ' ') {
      if (!lastWasGap) {
        parts.push(' ');
        origin.push(index);
      }
      lastWasGap = true;
    } else {
      parts.push(piece);
      for (let i = 0; i < piece.length; i++) origin.push(index);
      lastWasGap = false;
    }
    index += width;
  }
  origin.push(text.length);
  return { folded: parts.join(''), origin };
};

/** A phrase and its simple inflections, folded: "guarantee" → guarantees, guaranteed, guaranteeing. */
export const phraseForms = (phrase: string): string[] => {
  const folded = foldText(phrase.trim()).folded.trim();
  if (!PATTERNS.endsInLetter.test(folded)) return [folded];
  if (folded.endsWith('e')) {
    // "guarantee" → guaranteeing keeps its e, "promise" → promising drops it: accept both.
    const stem = folded.slice(0, -1);
    return [folded, `${folded}s`, `${folded}d`, `${folded}ing`, `${stem}ing`];
  }
  return [folded, `${folded}s`, `${folded}es`, `${folded}ed`, `${folded}ing`];
};

const isWordChar = (char: string | undefined) => char !== undefined && PATTERNS.wordChar.test(char);

export interface PhraseMatch<T> {
  entry: T;
  start: number;
  end: number;
  text: string;
}

export interface PhraseMatcher<T> {
  find(text: string, folded?: FoldedText): PhraseMatch<T>[];
}

/** Compiles the dictionary once; `find` is then one fold and one scan per text. */
export const createPhraseMatcher = <T extends { phrase: string }>(
  entries: readonly T[],
): PhraseMatcher<T> => {
  const patterns = entries.flatMap((entry, index) =>
    phraseForms(entry.phrase)
      .filter(Boolean)
      .map((pattern) => ({ pattern, data: index })),
  );
  const automaton = patterns.length > 0 ? new AhoCorasick<number>(patterns) : undefined;
  return {
    /** Pass the folded text when several matchers read the same text: it is folded once. */
    find(text, alreadyFolded) {
      if (!automaton) return [];
      const { folded, origin } = alreadyFolded ?? foldText(text);
      const matches: PhraseMatch<T>[] = [];
      // Leftmost-longest is also the library's fast path: 'all' is ~20× slower on big lexicons.
      for (const hit of automaton.iterate(folded, { strategy: 'leftmost-longest' })) {
        if (isWordChar(folded[hit.start - 1]) || isWordChar(folded[hit.end])) continue;
        const entry = entries[hit.data ?? -1];
        if (!entry) continue;
        const start = origin[hit.start] ?? 0;
        const end = origin[hit.end] ?? text.length;
        matches.push({ entry, start, end, text: text.slice(start, end) });
      }
      return matches.sort((a, b) => a.start - b.start || b.end - a.end);
    },
  };
};
