/**
 * The most bytes one part of an import may hold: the API's `PART_MAX_BYTES`
 * (shared/jobs/job.ts, not imported: no server code reaches the browser; a unit test keeps the
 * two equal).
 */
export const PART_BYTES = 300_000;

const encoder = new TextEncoder();

/**
 * A CSV file cut into parts of whole rows, each at most `limit` bytes of UTF-8, in order; part 1
 * starts with the header row, as the import wants. A line break inside a quoted field is part of
 * its row, never a place to cut. A single row longer than `limit` stays whole (the API then
 * refuses that part and says why).
 */
export const csvParts = (text: string, limit = PART_BYTES): string[] => {
  const rows: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      rows.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) rows.push(text.slice(start));

  const parts: string[] = [];
  let part = '';
  let bytes = 0;
  for (const row of rows) {
    const size = encoder.encode(row).length;
    if (part && bytes + size > limit) {
      parts.push(part);
      part = '';
      bytes = 0;
    }
    part += row;
    bytes += size;
  }
  if (part.trim()) parts.push(part);
  return parts;
};
