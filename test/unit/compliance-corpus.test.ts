import { describe, expect, it } from 'vitest';
import { checkCompliance, checkText } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import { corpus } from '../fixtures/compliance-corpus';

const now = new Date('2026-03-02T09:00:00Z');

describe('compliance corpus', () => {
  it('has at least 60 cases across finance, health and general posts', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    const topics = new Set(corpus.flatMap((c) => c.topics ?? []));
    expect([...topics]).toEqual(expect.arrayContaining(['funds', 'health', 'company']));
  });

  it('covers every rule kind', () => {
    const kinds = new Set(corpus.flatMap((c) => c.expect.map((id) => id.split('.')[0])));
    expect([...kinds].sort()).toEqual(
      [
        'disclaimer',
        'disclosure',
        'fair-balance',
        'lexicon',
        'link',
        'network',
        'personal-data',
      ].sort(),
    );
  });

  it.each(corpus.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const subject = {
      topics: c.topics ?? [],
      segments: ['sales'],
      flags: (c.flags ?? []) as never[],
    };
    const findings = c.draft
      ? checkCompliance(
          { ...subject, variants: c.draft.variants, link: c.draft.link },
          defaultPolicy,
          now,
        ).findings
      : checkText(
          c.text ?? '',
          subject,
          { network: c.network ?? 'linkedin', jurisdiction: c.jurisdiction },
          defaultPolicy,
        );
    const found = [...new Set(findings.map((f) => f.ruleId))];
    // Every expected finding is there, and nothing that blocks or needs legal is unexpected.
    expect(found).toEqual(expect.arrayContaining(c.expect));
    const unexpected = findings
      .filter((f) => f.severity !== 'warn' && !c.expect.includes(f.ruleId))
      .map((f) => `${f.ruleId}: ${f.message}`);
    expect(unexpected).toEqual([]);
    // Every finding explains itself, and points at the text when it is about words in it.
    for (const f of findings) {
      expect(f.message.length).toBeGreaterThan(10);
      if (f.ruleId.startsWith('lexicon.')) expect(f.span).toBeDefined();
    }
  });
});
