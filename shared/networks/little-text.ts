/**
 * LinkedIn's "little text" format for post commentary. Its reserved characters must be escaped
 * with a backslash, or LinkedIn cuts the post at the first one while answering 201
 * (../shared/NETWORKS.md). Hashtags stay hashtags: `#Word` becomes LinkedIn's hashtag template.
 */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
const HASHTAG = /(^|[^\p{L}\p{N}_])#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;

const escapeReserved = (text: string) => text.replace(RESERVED, (c) => `\\${c}`);

export const toLittleText = (text: string): string => {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(HASHTAG)) {
    const lead = match[1] ?? '';
    const start = (match.index ?? 0) + lead.length;
    out += escapeReserved(text.slice(last, start));
    out += `{hashtag|\\#|${escapeReserved(match[2] ?? '')}}`;
    last = start + 1 + (match[2]?.length ?? 0);
  }
  return out + escapeReserved(text.slice(last));
};
