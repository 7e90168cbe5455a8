import type { TextLimits } from '#shared/networks/network';

const URL_PATTERN = /https?:\/\/[^\s]+/g;

const countUnits = (text: string, unit: TextLimits['unit']): number =>
  unit === 'graphemes'
    ? [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].length
    : [...text].length;

/** The length a network will count for this text. */
export const measuredLength = (text: string, limits: TextLimits): number => {
  if (limits.urlWeight === undefined) return countUnits(text, limits.unit);
  const urls = text.match(URL_PATTERN) ?? [];
  return countUnits(text.replace(URL_PATTERN, ''), limits.unit) + urls.length * limits.urlWeight;
};
