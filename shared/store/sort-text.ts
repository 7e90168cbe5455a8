/**
 * Text as an index sorts and searches it: accents and case folded, every run of anything but
 * letters and digits one space, trimmed, at most 100 characters. "Élan — Q1" and "elan q1" are
 * the same key, and a prefix typed either way finds it. Never holds `#`, so it can lead a
 * composite sort key.
 */
export const sortText = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .slice(0, 100);
