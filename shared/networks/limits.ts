import { NetworkName, type TextLimits } from '#shared/networks/network';

/**
 * Every network Chorus writes for, with how it counts text (../shared/NETWORKS.md): X counts
 * every URL as 23, Bluesky counts graphemes, Mastodon's default instance allows 500 with URLs
 * at 23. Authors can write variants for all of them before an account is connected.
 */
export const KnownNetwork = NetworkName;
export type KnownNetwork = NetworkName;

export const NETWORK_LIMITS: Record<KnownNetwork, TextLimits & { label: string }> = {
  linkedin: { label: 'LinkedIn', maxLength: 3000, unit: 'codePoints' },
  x: { label: 'X', maxLength: 280, unit: 'codePoints', urlWeight: 23 },
  bluesky: { label: 'Bluesky', maxLength: 300, unit: 'graphemes' },
  mastodon: { label: 'Mastodon', maxLength: 500, unit: 'codePoints', urlWeight: 23 },
  sandbox: { label: 'Sandbox', maxLength: 500, unit: 'codePoints', urlWeight: 23 },
};

export const URL_PATTERN = /https?:\/\/[^\s]+/g;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

const countUnits = (text: string, unit: TextLimits['unit']): number =>
  unit === 'graphemes' ? [...segmenter.segment(text)].length : [...text].length;

/** The length a network will count for this text. */
export const measuredLength = (text: string, limits: TextLimits): number => {
  if (limits.urlWeight === undefined) return countUnits(text, limits.unit);
  const urls = text.match(URL_PATTERN) ?? [];
  return countUnits(text.replace(URL_PATTERN, ''), limits.unit) + urls.length * limits.urlWeight;
};
