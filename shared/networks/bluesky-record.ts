import { sha256 } from '#shared/hash';
import { URL_PATTERN } from '#shared/networks/limits';

/**
 * The pieces of an `app.bsky.feed.post` record that the client must build itself: rich-text
 * facets (Bluesky does not detect links; offsets are UTF-8 bytes, not characters) and the record
 * key.
 */
export interface Facet {
  $type: 'app.bsky.richtext.facet';
  index: { byteStart: number; byteEnd: number };
  features: (
    | { $type: 'app.bsky.richtext.facet#link'; uri: string }
    | { $type: 'app.bsky.richtext.facet#tag'; tag: string }
  )[];
}

const HASHTAG = /(^|\s)#([\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*)/gu;
const TRAILING = /[.,;:!?)\]]+$/;

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

const span = (text: string, start: number, end: number) => ({
  byteStart: bytes(text.slice(0, start)),
  byteEnd: bytes(text.slice(0, end)),
});

export const facetsOf = (text: string): Facet[] => {
  const facets: Facet[] = [];
  for (const match of text.matchAll(URL_PATTERN)) {
    const uri = match[0].replace(TRAILING, '');
    const start = match.index ?? 0;
    facets.push({
      $type: 'app.bsky.richtext.facet',
      index: span(text, start, start + uri.length),
      features: [{ $type: 'app.bsky.richtext.facet#link', uri }],
    });
  }
  for (const match of text.matchAll(HASHTAG)) {
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    const tag = match[2] ?? '';
    facets.push({
      $type: 'app.bsky.richtext.facet',
      index: span(text, start, start + 1 + tag.length),
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
    });
  }
  return facets.sort((a, b) => a.index.byteStart - b.index.byteStart);
};

const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * A post's record key must be a TID: microseconds since the epoch and a 10-bit clock id, in
 * base32-sortable. Chorus derives it from when the share was first claimed and from the share
 * id, so every retry of one share asks for the same key and the PDS cannot store a second post.
 */
export const recordKeyFor = (intentAt: Date, shareId: string): string => {
  const micros = BigInt(intentAt.getTime()) * 1000n;
  const clockId = BigInt(Number.parseInt(sha256(shareId).slice(0, 4), 16) % 1024);
  let value = (micros << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE.charAt(Number(value & 31n)) + out;
    value >>= 5n;
  }
  return out;
};
