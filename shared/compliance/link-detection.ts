import { domainToASCII, domainToUnicode } from 'node:url';
import TLDS from 'tlds' with { type: 'json' };
import { PATTERNS } from '#shared/compliance/patterns';

/** A place in a text that a network would turn into a link. */
export interface DetectedLink {
  /** As written, trailing punctuation left out. */
  text: string;
  start: number;
  end: number;
  /** Lower case, IDNs in punycode, as allow-lists compare it. */
  host: string;
  /** The scheme as written (`http`, `https`, ...), absent for a bare `host.tld`. */
  scheme?: string;
}

/**
 * X and LinkedIn link a bare `host.tld` when the last label is a real top-level domain (X's
 * twitter-text keeps a TLD list for exactly this). We use IANA's list, so "e.g.", "3.5",
 * "v1.2.3" or "Node.js" are words, not links, while "evil.com" or "report.md" are links, as the
 * networks show them. The reserved names of RFC 2606 count too: tests and examples use them.
 */
const KNOWN_TLDS = new Set([...TLDS, 'example', 'test', 'invalid']);

const isTld = (label: string): boolean => {
  // As the URL parser maps it: `c\u00ADom` is `com` to a browser.
  const mapped = asciiHost(label);
  return (
    KNOWN_TLDS.has(mapped) || (mapped.startsWith('xn--') && KNOWN_TLDS.has(domainToUnicode(mapped)))
  );
};

/**
 * A host as the URL parser reads it (UTS #46: case folded, ignorable characters such as the soft
 * hyphen dropped, IDNs in punycode). A host the parser refuses stays as written, so it matches no
 * allow-list entry and is judged, never waved through.
 */
const asciiHost = (host: string): string => {
  const lower = host.toLowerCase();
  return domainToASCII(lower) || lower;
};

/** Characters a link does not end with, though a sentence around it may. */
const TRAILING = new Set([...'.,;:!?\'"…)]}>»”’']);
/** The dots `hostDot` matches: URL parsers read the ideographic ones as dots too. */
const DOTS = ['.', '。', '．', '｡'];
/** Where a URL's path, query or fragment begins: the link then runs to the next space. */
const PATH_START = new Set(['/', '?', '#']);

const nextSpace = (text: string, from: number): number => {
  PATTERNS.whitespace.lastIndex = from;
  return PATTERNS.whitespace.exec(text)?.index ?? text.length;
};

const isDigit = (char: string | undefined) => char !== undefined && char >= '0' && char <= '9';

const trimTrailing = (text: string, start: number, end: number): number => {
  let cut = end;
  while (cut > start && TRAILING.has(text[cut - 1] as string)) cut -= 1;
  return cut;
};

/** `scheme://…` up to the next space; the host as a URL parser reads it. */
const explicitLink = (text: string, start: number, schemeEnd: number): DetectedLink | undefined => {
  const end = trimTrailing(text, start, nextSpace(text, schemeEnd));
  const written = text.slice(start, end);
  let hostname: string;
  try {
    hostname = new URL(written).hostname;
  } catch {
    return undefined;
  }
  if (!hostname) return undefined;
  const scheme = text.slice(start, schemeEnd).toLowerCase();
  return { text: written, start, end, host: asciiHost(hostname), scheme };
};

/**
 * A bare host: the longest run of labels that ends in a known TLD (or starts with `www.`),
 * then a port, and when a path, query or fragment follows, everything up to the next space.
 */
const bareLink = (text: string, runStart: number, run: string): DetectedLink | undefined => {
  // Most runs are plain words: no dot, no host (checked without a regex, it is every word).
  if (!DOTS.some((dot) => run.includes(dot))) return undefined;
  let lead = 0;
  while (run[lead] === '_' || run[lead] === '-') lead += 1;
  const labels = run.slice(lead).split(PATTERNS.hostDot);
  let count = labels.length;
  while (count >= 2 && !isTld(labels[count - 1] as string)) count -= 1;
  if (count < 2 && labels.length >= 2 && labels[0]?.toLowerCase() === 'www') count = labels.length;
  if (count < 2) return undefined;
  const host = labels.slice(0, count).join('.');
  const start = runStart + lead;
  let end = start + host.length;
  if (count === labels.length) {
    if (text[end] === ':' && isDigit(text[end + 1])) {
      end += 1;
      while (isDigit(text[end])) end += 1;
    }
    if (PATH_START.has(text[end] as string)) end = trimTrailing(text, end, nextSpace(text, end));
  }
  return { text: text.slice(start, end), start, end, host: asciiHost(host) };
};

/**
 * Every link in a text as the networks would make one: explicit URLs of any scheme, and bare
 * hosts (`evil.com`, `WWW.Evil.com/jobs`, `bücher.de`, `xn--bcher-kva.de`). One pass over runs
 * of host characters; a link's path is skipped, so nothing is read twice.
 */
export const detectLinks = (text: string): DetectedLink[] => {
  const links: DetectedLink[] = [];
  let resume = 0;
  for (const match of text.matchAll(PATTERNS.hostRun)) {
    if (match.index < resume) continue;
    const run = match[0];
    const after = match.index + run.length;
    const explicit = text.startsWith('://', after);
    const link = explicit
      ? PATTERNS.scheme.test(run)
        ? explicitLink(text, match.index, after)
        : undefined
      : text[match.index - 1] === '@'
        ? undefined // an email address or a handle: the personal-data rule's
        : bareLink(text, match.index, run);
    if (link) {
      links.push(link);
      resume = link.end;
    } else if (explicit) {
      // What follows a `://` that is no URL runs to the next space: read it once, not again
      // from every run inside it.
      resume = nextSpace(text, after);
    }
  }
  return links;
};
