import { describe, expect, it } from 'vitest';
import { CopyVariant, PostContent } from '#shared/posts/post';
import { variantForShare, variantsOnNetworks } from '#shared/shares/final-text';

/** A post's copy for segments: each employee gets their segment's text, never another's. */
const post = (variants: CopyVariant[]) => ({ variants });
const general = { text: 'For everyone.' };
const forSales = { text: 'For sales.', segments: ['sales'] };
const forLisbon = { text: 'For Lisbon.', segments: ['lisbon'] };
const inSegments =
  (...mine: string[]) =>
  (segmentId: string) =>
    mine.includes(segmentId);
const shareIds = Array.from({ length: 40 }, (_, i) => `share_${i}`);
const chosen = (
  variants: CopyVariant[],
  inSegment: (segmentId: string) => boolean,
  network = 'linkedin',
) => new Set(shareIds.map((id) => variantForShare(post(variants), network, id, inSegment)));

describe('the copy variant of a share', () => {
  it('is one written for a segment the employee is in', () => {
    const variants = [general, forSales, forLisbon];
    expect(chosen(variants, inSegments('sales'))).toEqual(new Set([1]));
    expect(chosen(variants, inSegments('lisbon', 'finance'))).toEqual(new Set([2]));
    // In both: either of their segments' texts, each share always the same one.
    expect(chosen(variants, inSegments('sales', 'lisbon'))).toEqual(new Set([1, 2]));
    const id = 'share_7';
    const first = variantForShare(post(variants), 'linkedin', id, inSegments('sales', 'lisbon'));
    expect(variantForShare(post(variants), 'linkedin', id, inSegments('sales', 'lisbon'))).toBe(
      first,
    );
  });

  it('is a general one for an employee in none of the variants’ segments', () => {
    expect(chosen([general, forSales, forLisbon], inSegments('finance'))).toEqual(new Set([0]));
    expect(chosen([forSales, general], inSegments())).toEqual(new Set([1]));
  });

  it('is none when no variant is for the employee: never one meant for another segment', () => {
    expect(chosen([forSales, forLisbon], inSegments('finance'))).toEqual(new Set([undefined]));
  });

  it('keeps network-specific copy first, then the segment within it', () => {
    const xSales = { text: 'X, sales.', networks: ['x' as const], segments: ['sales'] };
    const xAll = { text: 'X, all.', networks: ['x' as const] };
    const variants = [general, forSales, xSales, xAll];
    expect(chosen(variants, inSegments('sales'), 'x')).toEqual(new Set([2]));
    expect(chosen(variants, inSegments('finance'), 'x')).toEqual(new Set([3]));
    expect(chosen(variants, inSegments('sales'), 'linkedin')).toEqual(new Set([1]));
    // The X copy is only for sales: everyone else on X gets the copy for every network.
    expect(chosen([general, xSales], inSegments('finance'), 'x')).toEqual(new Set([0]));
  });

  it('is chosen by the hash of the share among several, as before segments existed', () => {
    expect(chosen([general, { text: 'Also for everyone.' }], inSegments())).toEqual(
      new Set([0, 1]),
    );
  });
});

describe('a variant’s segments', () => {
  const base = { title: 'T', segments: ['sales', 'lisbon'] };
  it('are optional, non-empty and valid segment ids', () => {
    expect(CopyVariant.safeParse({ text: 'Hi.', segments: ['sales'] }).success).toBe(true);
    expect(CopyVariant.safeParse({ text: 'Hi.', segments: [] }).success).toBe(false);
    expect(CopyVariant.safeParse({ text: 'Hi.', segments: ['Not An Id'] }).success).toBe(false);
    expect(PostContent.parse({ ...base, variants: [forSales] }).variants[0]?.segments).toEqual([
      'sales',
    ]);
  });

  it('are rendered and checked like any other variant, on every network', () => {
    expect(variantsOnNetworks(post([general, forSales, forLisbon]), ['linkedin', 'x'])).toEqual([
      { variant: 0, network: 'linkedin' },
      { variant: 1, network: 'linkedin' },
      { variant: 2, network: 'linkedin' },
      { variant: 0, network: 'x' },
      { variant: 1, network: 'x' },
      { variant: 2, network: 'x' },
    ]);
  });
});
