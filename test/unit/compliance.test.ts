import { describe, expect, it } from 'vitest';
import { checkCompliance } from '#shared/compliance/engine';
import { defaultPolicy } from '#shared/compliance/policy';
import { findPhrases } from '#shared/compliance/text-matcher';
import { measuredLength } from '#shared/networks/limits';
import { renderShareText } from '#shared/shares/render';

const now = new Date('2026-01-01T00:00:00Z');
const sandbox = {
  name: 'sandbox',
  label: 'Sandbox',
  limits: { maxLength: 500, unit: 'codePoints' as const, urlWeight: 23 },
};

describe('phrase matching', () => {
  it('matches whole words, any case and accents, with simple inflections', () => {
    const entries = [{ phrase: 'guarantee' }, { phrase: 'risk free' }];
    const text =
      'We GUARANTEED it. Guarantees! A guaranteeing mood. Risk-free? Not “guaranteedly”. Rîsk free.';
    const found = findPhrases(text, entries).map((m) => m.text);
    expect(found).toEqual(['GUARANTEED', 'Guarantees', 'guaranteeing', 'Risk-free', 'Rîsk free']);
  });

  it('reports spans in the original text even when accents are folded', () => {
    const text = 'Café: guaranteed';
    const [match] = findPhrases(text, [{ phrase: 'guarantee' }]);
    expect(text.slice(match?.start, match?.end)).toBe('guaranteed');
  });

  it('does not match inside other words', () => {
    expect(findPhrases('unguaranteed', [{ phrase: 'guarantee' }])).toEqual([]);
  });
});

describe('compliance check', () => {
  it('appends the required disclaimers and marks fund posts regulated', () => {
    const result = checkCompliance(
      { variants: [{ text: 'Our new fund is open.' }], topics: ['funds'] },
      defaultPolicy,
      [sandbox],
      now,
    );
    expect(result.disclaimers).toEqual([
      defaultPolicy.disclaimers[0]?.text,
      defaultPolicy.disclaimers[1]?.text,
    ]);
    expect(result).toMatchObject({ outcome: 'pass', regulated: true, policyVersion: 1 });
  });

  it('flags lexicon phrases with the severity and an explanation', () => {
    const result = checkCompliance(
      { variants: [{ text: 'We guarantee it.' }], topics: [] },
      defaultPolicy,
      [sandbox],
      now,
    );
    expect(result.outcome).toBe('review');
    expect(result.regulated).toBe(true);
    expect(result.findings[0]).toMatchObject({
      ruleId: 'lexicon.guarantee',
      severity: 'review',
      variant: 0,
      span: { start: 3, end: 12 },
      message: "'guarantee' promises an outcome: legal must review it",
    });
  });

  it('blocks forbidden phrases', () => {
    const result = checkCompliance(
      { variants: [{ text: 'Guaranteed returns for all' }], topics: [] },
      defaultPolicy,
      [sandbox],
      now,
    );
    expect(result.outcome).toBe('blocked');
  });

  it('blocks copy that no longer fits once disclaimers are added, saying by how much', () => {
    const copy = 'x'.repeat(480);
    const result = checkCompliance(
      { variants: [{ text: 'fine' }, { text: copy }], topics: [] },
      defaultPolicy,
      [sandbox],
      now,
    );
    const over = 480 + 2 + (defaultPolicy.disclaimers[0]?.text.length ?? 0) - 500;
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'network.max-length',
        severity: 'block',
        network: 'sandbox',
        variant: 1,
        message: expect.stringContaining(`${over} characters over`),
      }),
    );
  });
});

describe('rendering and length', () => {
  it('renders copy with its template fields filled, then link and disclaimers in order', () => {
    expect(
      renderShareText({
        copy: ' Hi, {{employee.firstName}} of {{ company }} ',
        values: {
          'employee.firstName': 'Ada',
          'employee.lastName': 'L',
          'employee.name': 'Ada L',
          company: 'Acme',
        },
        link: 'https://a.example',
        disclaimers: ['D1', 'D2'],
      }),
    ).toBe('Hi, Ada of Acme\n\nhttps://a.example\n\nD1\n\nD2');
  });

  it('counts each URL at the network’s fixed weight', () => {
    const limits = { maxLength: 280, unit: 'codePoints' as const, urlWeight: 23 };
    expect(measuredLength(`see https://example.com/${'a'.repeat(100)}`, limits)).toBe(4 + 23);
    expect(measuredLength('👍🏽', { maxLength: 300, unit: 'graphemes' })).toBe(1);
  });
});
