/**
 * Inputs shaped to make regular expressions backtrack, each beside ordinary prose of the same
 * size. The engine is linear when an adversarial text costs about what prose of its length does.
 */
const PROSE =
  'Our Global Equity Fund opens today. Read the factsheet at https://acme.example/funds before you invest, talk to an adviser if you are unsure, and remember that capital is at risk. I work at Acme. ';

const fill = (unit: string, size: number) =>
  unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

export const prose = (size: number) => fill(PROSE, size);

/** Name → text of a given size. */
export const ADVERSARIAL: Record<string, (size: number) => string> = {
  'email-ish "a@"+"a."×n': (size) => `a@${fill('a.', size - 2)}`,
  'dotted run "a."×n': (size) => fill('a.', size),
  'digit run': (size) => fill('1', size),
  'spaced digits "1 "×n': (size) => fill('1 ', size),
  'URL-ish "https://"+"a.-"×n': (size) => `https://${fill('a.-', size - 8)}`,
  'host runs "www.a"×n': (size) => fill('www.a', size),
  'open template "{{"+" "×n': (size) => `{{${fill(' ', size - 2)}`,
  'broken URLs "a://["×n': (size) => fill('a://[', size),
};
