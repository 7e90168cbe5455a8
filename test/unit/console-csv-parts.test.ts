import { describe, expect, it } from 'vitest';
import { csvParts, PART_BYTES } from '#functions/console/app/csv-parts';
import { parseCsv } from '#shared/employees/csv';
import { PART_MAX_BYTES } from '#shared/jobs/job';

const header = 'email,name,department\n';
const row = (i: number) => `p${i}@acme.example,"Person ${i}",Sales\n`;

describe('the console’s cutting of an import file into parts', () => {
  it('cuts at the API’s part size', () => {
    expect(PART_BYTES).toBe(PART_MAX_BYTES);
  });

  it('keeps a small file whole, as one part', () => {
    const file = header + row(1) + row(2);
    expect(csvParts(file)).toEqual([file]);
  });

  it('cuts a big file into parts of whole rows under the limit, the header in part 1 only', () => {
    const file = header + Array.from({ length: 500 }, (_, i) => row(i)).join('');
    const parts = csvParts(file, 2_000);
    expect(parts.length).toBeGreaterThan(5);
    expect(parts.join('')).toBe(file);
    for (const part of parts) {
      expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(2_000);
      expect(part.endsWith('\n')).toBe(true);
    }
    expect(parts.filter((part) => part.startsWith('email,'))).toHaveLength(1);
    expect(parts[0]?.startsWith(header)).toBe(true);
  });

  it('never cuts inside a quoted field that holds a line break', () => {
    const tricky = 'q@acme.example,"Quinn\nQuoted",Sales\n';
    const file = header + row(1) + tricky + row(2);
    const parts = csvParts(file, header.length + row(1).length + 4);
    expect(parts.join('')).toBe(file);
    expect(parts).toContain(tricky);
    expect(parts.flatMap((part) => parseCsv(part)).length).toBe(4);
  });

  it('counts bytes, not characters: a part of accented names stays under the limit', () => {
    const file =
      header +
      Array.from({ length: 200 }, (_, i) => `é${i}@acme.example,Zoë Ærø,Ventes\n`).join('');
    for (const part of csvParts(file, 1_000)) {
      expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(1_000);
    }
  });
});
