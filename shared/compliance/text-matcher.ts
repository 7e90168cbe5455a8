import AhoCorasick from 'modern-ahocorasick';

/**
 * Whole-word, case- and accent-insensitive phrase matching with simple inflections, over a
 * dictionary of any size: the text is folded once (one pass, keeping where each folded character
 * came from), then one Aho–Corasick automaton finds every phrase in a single scan. Hyphens and
 * any run of whitespace (line breaks included) count as one space, so "risk-free" and "risk\nfree"
 * are "risk free".
 */
interface FoldedText {
  folded: string;
  /** folded index → index in the original string; one extra entry for the end */
  origin: number[];
}

const isGap = (char: string) => /[\s\-‐‑–]/u.test(char);

export const foldText = (text: string): FoldedText => {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    if (isGap(char)) {
      if (!folded.endsWith(' ')) {
        folded += ' ';
        origin.push(index);
      }
    } else {
      const piece = /[’‘`]/u.test(char)
        ? "'"
        : char.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
      for (let i = 0; i < piece.length; i++) origin.push(index);
      folded += piece;
    }
    index += char.length;
  }
  origin.push(index);
  return { folded, origin };
};

/** A phrase and its simple inflections, folded: "guarantee" → guarantees, guaranteed, guaranteeing. */
export const phraseForms = (phrase: string): string[] => {
  const folded = foldText(phrase.trim()).folded.trim();
  if (!/[a-z]$/.test(folded)) return [folded];
  if (folded.endsWith('e')) {
    // "guarantee" → guaranteeing keeps its e, "promise" → promising drops it: accept both.
    const stem = folded.slice(0, -1);
    return [folded, `${folded}s`, `${folded}d`, `${folded}ing`, `${stem}ing`];
  }
  return [folded, `${folded}s`, `${folded}es`, `${folded}ed`, `${folded}ing`];
};

const isWordChar = (char: string | undefined) => char !== undefined && /[\p{L}\p{N}]/u.test(char);

export interface PhraseMatch<T> {
  entry: T;
  start: number;
  end: number;
  text: string;
}

export interface PhraseMatcher<T> {
  find(text: string): PhraseMatch<T>[];
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
    find(text) {
      if (!automaton) return [];
      const { folded, origin } = foldText(text);
      const seen = new Set<string>();
      const matches: PhraseMatch<T>[] = [];
      for (const hit of automaton.iterate(folded)) {
        if (isWordChar(folded[hit.start - 1]) || isWordChar(folded[hit.end])) continue;
        const entry = entries[hit.data ?? -1];
        if (!entry) continue;
        const start = origin[hit.start] ?? 0;
        const end = origin[hit.end] ?? text.length;
        // Two forms of one phrase can end at one place ("guarantee" inside "guarantees" is
        // not whole-word, but "risk free" and "risk frees" could both be listed): keep one.
        const key = `${hit.data}:${start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        matches.push({ entry, start, end, text: text.slice(start, end) });
      }
      return matches.sort((a, b) => a.start - b.start || b.end - a.end);
    },
  };
};

/** The same matching, one regular expression per phrase: the baseline the benchmark measures. */
export const findPhrasesNaively = <T extends { phrase: string }>(
  text: string,
  entries: readonly T[],
): PhraseMatch<T>[] => {
  const { folded, origin } = foldText(text);
  const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const matches: PhraseMatch<T>[] = [];
  for (const entry of entries) {
    const forms = phraseForms(entry.phrase).map(escapeRegExp).join('|');
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${forms})(?![\\p{L}\\p{N}])`, 'gu');
    for (const match of folded.matchAll(pattern)) {
      const start = origin[match.index] ?? 0;
      const end = origin[match.index + match[0].length] ?? text.length;
      matches.push({ entry, start, end, text: text.slice(start, end) });
    }
  }
  return matches.sort((a, b) => a.start - b.start || b.end - a.end);
};
