import { describe, expect, it } from 'vitest';
import { type CheckSubject, checkCompliance, checkText } from '#shared/compliance/engine';
import { CompliancePolicyInput, defaultPolicy } from '#shared/compliance/policy';
import { createPhraseMatcher } from '#shared/compliance/text-matcher';
import { measuredLength, NETWORK_LIMITS } from '#shared/networks/limits';
import { renderShareText } from '#shared/shares/render';
import { createRegexMatcher, longestOnly } from '../bench/regex-matcher';
import { content } from '../fixtures/posts';

const now = new Date('2026-01-01T00:00:00Z');
const general: CheckSubject = { topics: [], segments: ['sales'], flags: [] };
const funds = { ...general, topics: ['funds'] };
const ids = (text: string, subject = general, network: 'linkedin' | 'x' = 'linkedin') =>
  checkText(text, subject, { network }, defaultPolicy).map((f) => f.ruleId);
const DISCLOSED = '#AcmeEmployee — views my own.';

describe('phrase matching', () => {
  const matcher = createPhraseMatcher([{ phrase: 'guarantee' }, { phrase: 'risk free' }]);

  it('matches whole words, any case and accents, with simple inflections', () => {
    const text =
      'We GUARANTEED it. Guarantees! A guaranteeing mood. Risk-free? Not “guaranteedly”. Rîsk free.';
    expect(matcher.find(text).map((m) => m.text)).toEqual([
      'GUARANTEED',
      'Guarantees',
      'guaranteeing',
      'Risk-free',
      'Rîsk free',
    ]);
  });

  it('matches a phrase split across a line break, and reports spans in the original text', () => {
    const text = 'Café: totally risk\nfree';
    const [match] = matcher.find(text);
    expect(text.slice(match?.start, match?.end)).toBe('risk\nfree');
  });

  it('does not match inside other words', () => {
    expect(matcher.find('unguaranteed')).toEqual([]);
  });

  it('finds what one regular expression per phrase finds, the longest where phrases overlap', () => {
    const entries = defaultPolicy.lexicon;
    const text = 'Guaranteed returns! Can’t lose, risk-free, best in class; we guarantee a cure.';
    const simplify = (m: { entry: { id: string }; start: number; end: number }) =>
      `${m.entry.id}@${m.start}-${m.end}`;
    expect(createPhraseMatcher(entries).find(text).map(simplify)).toEqual(
      longestOnly(createRegexMatcher(entries).find(text)).map(simplify),
    );
    expect(createPhraseMatcher(entries).find(text)[0]?.entry.id).toBe('guaranteed-returns');
  });
});

describe('rules on the final text', () => {
  it('requires the employment disclosure and refuses forms that do not count', () => {
    expect(ids(`Great quarter! ${DISCLOSED}`)).toEqual([]);
    expect(ids('Great quarter! I work at Acme.')).toEqual([]);
    expect(ids('Great quarter! #ee')).toEqual(['disclosure.not-accepted', 'disclosure.missing']);
    expect(ids('Great quarter!')).toEqual(['disclosure.missing']);
  });

  it('does not count a disclosure lost in a cluster of hashtags', () => {
    expect(ids('Great quarter! #growth #AcmeEmployee #fintech #wealth')).toEqual([
      'disclosure.buried',
    ]);
    expect(ids('#AcmeEmployee Great quarter! #growth #fintech')).toEqual([]);
  });

  it('finds a required disclaimer missing, edited or out of place', () => {
    const warning = 'Capital at risk. Past performance does not predict future returns.';
    expect(ids(`Our fund. ${DISCLOSED}\n\n${warning}`, funds)).toEqual([]);
    expect(ids(`Our fund. ${DISCLOSED}`, funds)).toEqual(['disclaimer.missing']);
    expect(
      ids(
        `Our fund. ${DISCLOSED}\n\nCapital at risk. Past performance predicts future returns.`,
        funds,
      ),
    ).toEqual(['disclaimer.edited']);
    expect(ids(`${warning}\n\nOur fund. ${DISCLOSED}`, funds)).toEqual(['disclaimer.placement']);
  });

  it('needs a benefit claim to carry its risk in the same post', () => {
    const health = { ...general, topics: ['health'] };
    const notice = 'Not medical advice. Talk to your doctor about risks and side effects.';
    expect(ids(`Lumora lowers cholesterol. ${DISCLOSED}\n\n${notice}`, health)).toEqual([]);
    expect(
      ids(`Lumora lowers cholesterol. ${DISCLOSED}`, health).filter((r) => r.startsWith('fair')),
    ).toEqual(['fair-balance.health-benefit-risk']);
  });

  it('allows https links to listed domains only, and no shorteners', () => {
    expect(ids(`See https://acme.example/q1 ${DISCLOSED}`)).toEqual([]);
    expect(ids(`See http://acme.example/q1 ${DISCLOSED}`)).toEqual(['link.not-https']);
    expect(ids(`See https://bit.ly/x1 ${DISCLOSED}`)).toEqual(['link.shortener']);
    expect(ids(`See bit.ly/x1 ${DISCLOSED}`)).toEqual(['link.shortener']);
    expect(ids(`See https://rival.example/ ${DISCLOSED}`)).toEqual(['link.domain']);
  });

  it('sends personal data to legal', () => {
    expect(
      ids(`Mail jo@acme.example or call +44 20 7946 0958. SSN 123-45-6789. ${DISCLOSED}`),
    ).toEqual(['personal-data.national-id', 'personal-data.email', 'personal-data.phone']);
    expect(ids(`Up 12% in 2025-2026, 1,000,000 users. ${DISCLOSED}`)).toEqual([]);
  });

  it('blocks text over a network limit, counting URLs and graphemes as the network does', () => {
    const url = `https://acme.example/${'a'.repeat(200)}`;
    const text = `${'x'.repeat(240)} ${url} ${DISCLOSED}`;
    const counted = 240 + 1 + 23 + 1 + [...DISCLOSED].length;
    expect(measuredLength(text, NETWORK_LIMITS.x)).toBe(counted);
    const findings = checkText(text, general, { network: 'x' }, defaultPolicy);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining(`${counted - 280} characters over X`),
    ]);
    expect(checkText(text, general, { network: 'linkedin' }, defaultPolicy)).toEqual([]);
    expect(measuredLength('👍🏽é', NETWORK_LIMITS.bluesky)).toBe(2);
  });
});

describe('compliance check of a post', () => {
  it('renders every variant for every network, appends what is required and marks regulation', () => {
    const result = checkCompliance(
      content({ variants: [{ text: 'Our new fund is open.' }], topics: ['funds'] }),
      defaultPolicy,
      now,
    );
    expect(result.disclaimers.map((d) => d.id)).toEqual(['capital-at-risk']);
    expect(result).toMatchObject({ outcome: 'pass', regulated: true, policyVersion: 1 });
  });

  it('reports a lexicon hit once per variant, with the span in the final text', () => {
    const result = checkCompliance(
      content({ variants: [{ text: 'We guarantee it.' }], topics: [] }),
      defaultPolicy,
      now,
    );
    expect(result.outcome).toBe('review');
    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: 'lexicon.guarantee',
        variant: 0,
        span: { start: 3, end: 12 },
        message: "'guarantee' promises an outcome: legal must review it",
      }),
    ]);
  });

  it('blocks a variant that does not fit a network it is written for, and only that one', () => {
    const result = checkCompliance(
      content({
        variants: [{ text: 'Short.' }, { text: 'x'.repeat(270), networks: ['x'] }],
        link: undefined,
      }),
      defaultPolicy,
      now,
    );
    expect(result.findings).toEqual([
      expect.objectContaining({ ruleId: 'network.max-length', network: 'x', variant: 1 }),
    ]);
  });
});

describe('rendering', () => {
  it('places start disclaimers first, then copy, disclosure, link and the rest', () => {
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
        disclaimers: [
          { text: 'END', placement: 'end' },
          { text: 'START', placement: 'start' },
        ],
        disclosure: '#AcmeEmployee',
      }),
    ).toBe('START\n\nHi, Ada of Acme\n\n#AcmeEmployee\n\nhttps://a.example\n\nEND');
  });
});

describe('policy validation', () => {
  const { version: _v, updatedBy: _b, updatedAt: _a, ...valid } = defaultPolicy;
  const issues = (change: Record<string, unknown>) =>
    CompliancePolicyInput.safeParse({ ...valid, ...change }).error?.issues.map(
      (i) => `${i.path.join('.')}: ${i.message}`,
    );

  it('accepts the default policy', () => {
    expect(issues({})).toBeUndefined();
  });

  it('refuses an empty lexicon phrase, a regular expression and a disclaimer no network fits', () => {
    const entry = valid.lexicon[0];
    expect(issues({ lexicon: [{ ...entry, phrase: ' ' }] })).toEqual([
      'lexicon.0.phrase: must not be empty',
    ]);
    expect(issues({ lexicon: [{ ...entry, phrase: '(a+)+$' }] })).toEqual([
      'lexicon.0.phrase: phrases are literal text; regular expressions are not accepted',
    ]);
    const long = { id: 'long', text: 'x'.repeat(400), when: { networks: ['x'] } };
    expect(issues({ disclaimers: [long] })).toEqual([
      "disclaimers.0.text: is 400 characters, longer than x's limit of 280: no post could carry it",
    ]);
  });
});
