/**
 * Text a request may carry only if it is well formed. A lone UTF-16 surrogate is valid in a JS
 * string and in JSON's `\ud800` escape, but it is not Unicode: stored, it breaks every strict
 * JSON or UTF-8 reader downstream (exports, the networks' APIs).
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/**
 * A path value that still holds percent escapes which do not decode: `%ff`, `%E0%A4%A`, `a%zz`.
 * API Gateway hands Lambda decoded path parameters, so such a value is one the gateway (or the
 * local emulator) could not decode; it names nothing and is the caller's mistake.
 */
export const hasMalformedPercentEncoding = (text: string): boolean => {
  if (!text.includes('%')) return false;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return true;
  try {
    decodeURIComponent(text);
    return false;
  } catch {
    return true;
  }
};

/** Decodes a raw path segment as the gateway does; an undecodable one is handed on as it came. */
export const decodePathSegment = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};
