import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal values always hash the same. */
export const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  );

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const hashOf = (value: unknown): string => sha256(canonicalJson(value));

/** A number in [0, 1) fixed by the text: spreads things evenly yet the same way every time. */
export const unitHash = (text: string): number =>
  Number.parseInt(sha256(text).slice(0, 8), 16) / 0x100000000;
