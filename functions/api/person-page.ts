import { createHash } from 'node:crypto';
import type { Reply } from '#functions/api/route';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export interface PersonPage {
  status: number;
  title: string;
  message: string;
  /** Where the person goes next: a link within Chorus. */
  next: { href: string; label: string };
}

/** Nothing on the page loads or runs anything; its only style is the inline block below. */
const STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1b1b1f}a{color:#3b3bb3}';
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/**
 * An answer meant for a person's browser, not a program: a browser that lands on a callback
 * should read a sentence and a link, never raw JSON. It declares its own strict policy: no
 * scripts, no framing, and no Referer, so the one-time code in this page's URL goes nowhere.
 */
export const personPage = (page: PersonPage): Reply => ({
  status: page.status,
  headers: {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src '${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  },
  body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Chorus</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>
<p><a href="${escapeHtml(page.next.href)}">${escapeHtml(page.next.label)}</a></p></main></body>
</html>
`,
});
