/**
 * Whole-word, case- and accent-insensitive phrase matching that reports spans in the original
 * text. Text is folded one code point at a time so each folded character maps back to its source.
 */
interface FoldedText {
  folded: string;
  /** folded index → index in the original string */
  origin: number[];
}

const fold = (text: string): FoldedText => {
  let folded = '';
  const origin: number[] = [];
  let index = 0;
  for (const char of text) {
    const piece = char.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (let i = 0; i < piece.length; i++) origin.push(index);
    folded += piece;
    index += char.length;
  }
  origin.push(index);
  return { folded, origin };
};

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A phrase matches its simple inflections too; hyphens equal spaces. */
const phrasePattern = (phrase: string): string => {
  const words = fold(phrase)
    .folded.split(/[\s-]+/)
    .filter(Boolean)
    .map(escapeRegExp);
  const last = words.pop() ?? '';
  // "promise" → promises, promised, promising; "guarantee" → guaranteeing keeps its e.
  const inflected = last.endsWith('e')
    ? `(?:${last}(?:s|d|ing)?|${last.slice(0, -1)}ing)`
    : `${last}(?:s|es|ed|ing)?`;
  return [...words, inflected].join('[\\s-]+');
};

export interface PhraseMatch<T> {
  entry: T;
  start: number;
  end: number;
  text: string;
}

export const findPhrases = <T extends { phrase: string }>(
  text: string,
  entries: readonly T[],
): PhraseMatch<T>[] => {
  const { folded, origin } = fold(text);
  const matches: PhraseMatch<T>[] = [];
  for (const entry of entries) {
    const pattern = new RegExp(
      `(?<![\\p{L}\\p{N}])${phrasePattern(entry.phrase)}(?![\\p{L}\\p{N}])`,
      'gu',
    );
    for (const match of folded.matchAll(pattern)) {
      const start = origin[match.index] ?? 0;
      const end = origin[match.index + match[0].length] ?? text.length;
      matches.push({ entry, start, end, text: text.slice(start, end) });
    }
  }
  return matches.sort((a, b) => a.start - b.start);
};
