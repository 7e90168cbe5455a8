import { describe, expect, it } from 'vitest';
import { checkText } from '#shared/compliance/engine';
import { detectLinks } from '#shared/compliance/link-detection';
import { defaultPolicy } from '#shared/compliance/policy';

const DISCLOSED = '#AcmeEmployee — views my own.';
const findings = (copy: string) =>
  checkText(
    `${copy} ${DISCLOSED}`,
    { topics: [], segments: ['sales'], flags: [] },
    { network: 'linkedin' },
    defaultPolicy,
  ).map((f) => ({
    ruleId: f.ruleId,
    at: `${copy} ${DISCLOSED}`.slice(f.span?.start, f.span?.end),
  }));

describe('links the networks make from bare domains', () => {
  it('judges "Apply at evil.example" by the allow-list, as X and LinkedIn link it', () => {
    expect(findings('Apply at evil.example')).toEqual([
      { ruleId: 'link.domain', at: 'evil.example' },
    ]);
  });

  it.each([
    ['with a path', 'Apply at evil.example/jobs?id=1', 'evil.example/jobs?id=1'],
    ['after www.', 'Apply at www.evil.example', 'www.evil.example'],
    ['in capitals', 'Apply at EVIL.EXAMPLE', 'EVIL.EXAMPLE'],
    ['inside brackets and a sentence', 'Apply (evil.example).', 'evil.example'],
    ['glued to a colon', 'Apply:evil.example!', 'evil.example'],
    ['with a port', 'Apply at evil.example:8443/x', 'evil.example:8443/x'],
    ['on a real TLD', 'Apply at evil.com, today', 'evil.com'],
    ['as an IDN', 'Apply at bücher.de', 'bücher.de'],
    ['in punycode', 'Apply at xn--bcher-kva.de', 'xn--bcher-kva.de'],
    ['with a look-alike letter (Cyrillic а)', 'Apply at аcme.example', 'аcme.example'],
    ['under an allowed name', 'Apply at acme.example.evil.com', 'acme.example.evil.com'],
    ['with ideographic dots', 'Apply at evil。example', 'evil。example'],
  ])('refuses a bare domain %s', (_how, copy, at) => {
    expect(findings(copy)).toEqual([{ ruleId: 'link.domain', at }]);
  });

  it('lets allow-listed bare domains through, in any case and with trailing punctuation', () => {
    expect(findings('Apply at ACME.example/jobs, or careers.acme.example.')).toEqual([]);
  });

  it('refuses a bare shortener, as it did before', () => {
    expect(findings('See BIT.LY/x1 and t.co/abc.')).toEqual([
      { ruleId: 'link.shortener', at: 'BIT.LY/x1' },
      { ruleId: 'link.shortener', at: 't.co/abc' },
    ]);
  });

  it('judges https-only on written schemes only, any scheme', () => {
    expect(findings('See http://acme.example/q1 or acme.example/q1')).toEqual([
      { ruleId: 'link.not-https', at: 'http://acme.example/q1' },
    ]);
    expect(findings('See ftp://evil.example/f').map((f) => f.ruleId)).toEqual([
      'link.not-https',
      'link.domain',
    ]);
  });

  it('reads the host of an explicit URL as a browser does', () => {
    const links = findings('See https://acme.example@evil.example/x').filter((f) =>
      f.ruleId.startsWith('link.'),
    );
    expect(links).toEqual([{ ruleId: 'link.domain', at: 'https://acme.example@evil.example/x' }]);
  });

  it('does not take abbreviations, numbers, versions or file-like words for links', () => {
    expect(
      findings('E.g. this, i.e. that: v1.2.3 is 3.5× faster on Node.js and ASP-ish a.b.c code.'),
    ).toEqual([]);
  });

  it('leaves email addresses to the personal-data rule', () => {
    expect(findings('Write to jobs@evil.example')).toEqual([
      { ruleId: 'personal-data.email', at: 'jobs@evil.example' },
    ]);
  });

  it.each([
    ['a soft hyphen', 'Apply at evil\u00ADacme.example/jobs', 'evilacme.example'],
    ['a combining accent', 'Apply at evil\u0301acme.example', 'xn--eviacme-vhb.example'],
    ['a middle dot', 'Apply at evil\u00B7acme.example', 'xn--evilacme-joa.example'],
    ['a soft hyphen in the TLD', 'Apply at evil.c\u00ADom', 'evil.com'],
  ])('reads a host hidden behind %s as the URL parser does', (_how, copy, host) => {
    expect(detectLinks(copy).map((l) => l.host)).toEqual([host]);
    expect(findings(copy).map((f) => f.ruleId)).toEqual(['link.domain']);
  });

  it('finds the link once, and nothing in its path', () => {
    expect(detectLinks('acme.example/a/evil.com/b.co x.y').map((l) => l.host)).toEqual([
      'acme.example',
    ]);
  });
});
