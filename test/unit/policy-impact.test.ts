import { describe, expect, it } from 'vitest';
import { blockedRenderings, MAX_RENDERINGS_PER_POST } from '#shared/compliance/impact';
import { CompliancePolicy, defaultPolicy } from '#shared/compliance/policy';
import {
  LISTED_BYTES_BUDGET,
  MAX_LISTED_POSTS,
  newImpact,
  withBlocked,
} from '#shared/jobs/policy-impact';
import { content } from '../fixtures/posts';

const forbidding = (phrase: string, extra: Partial<CompliancePolicy> = {}): CompliancePolicy =>
  CompliancePolicy.parse({
    ...defaultPolicy,
    lexicon: [
      ...defaultPolicy.lexicon,
      { id: 'forbidden', phrase, severity: 'block', message: "'{match}' is not allowed" },
    ],
    ...extra,
  });

const subject = (text: string, jurisdictions: (string | null)[], variants = 1) => ({
  post: content({
    variants: Array.from({ length: variants }, (_, i) => ({ text: `${i}: ${text}` })),
  }),
  networks: ['linkedin', 'x'] as const,
  jurisdictions,
  linkBase: 'https://api.acme.example',
});

describe('what a draft policy blocks of one post', () => {
  it('lists each variant on each network once, the jurisdictions whose text is the same together', () => {
    const { renderings, truncated } = blockedRenderings(
      subject('The zeppelin lands.', ['GB', null, 'DE']),
      forbidding('zeppelin'),
    );
    expect(truncated).toBe(false);
    expect(renderings.map((r) => [r.variant, r.network, r.jurisdictions])).toEqual([
      [0, 'linkedin', [null, 'DE', 'GB']],
      [0, 'x', [null, 'DE', 'GB']],
    ]);
    const [first] = renderings;
    expect(first?.findings.map((f) => first.text.slice(f.span?.start, f.span?.end))).toEqual([
      'zeppelin',
    ]);
  });

  it('renders apart the readers a jurisdiction-bound disclaimer reaches, with its text in theirs', () => {
    const policy = forbidding('zeppelin', {
      disclaimers: [
        {
          id: 'uk-only',
          text: 'UK readers: see acme.example/uk.',
          when: { jurisdictions: ['GB'] },
        },
      ],
    } as Partial<CompliancePolicy>);
    const { renderings } = blockedRenderings(subject('The zeppelin lands.', ['GB', 'DE']), policy);
    const linkedin = renderings.filter((r) => r.network === 'linkedin');
    expect(linkedin.map((r) => r.jurisdictions)).toEqual([['DE'], ['GB']]);
    expect(linkedin[1]?.text).toContain('UK readers: see acme.example/uk.');
    expect(linkedin[0]?.text).not.toContain('UK readers');
  });

  it('lists nothing when the draft blocks nothing, and caps what one post lists', () => {
    expect(
      blockedRenderings(subject('Nothing here.', []), forbidding('zeppelin')).renderings,
    ).toEqual([]);
    const many = blockedRenderings(subject('The zeppelin lands.', [], 8), forbidding('zeppelin'));
    expect(many.renderings).toHaveLength(MAX_RENDERINGS_PER_POST);
    expect(many.truncated).toBe(true);
  });
});

describe('the job’s list of blocked posts', () => {
  it('counts every post but lists them only while the list stays within its count and size', () => {
    const post = (i: number, text = 'x') => ({
      postId: `post_${i}`,
      title: `Post ${i}`,
      status: 'approved' as const,
      networks: ['linkedin'],
      jurisdictions: [null],
      renderings: [{ variant: 0, network: 'linkedin', jurisdictions: [null], text, findings: [] }],
      renderingsTruncated: false,
    });
    let progress = newImpact(1, 16);
    for (let i = 0; i < MAX_LISTED_POSTS + 3; i++) progress = withBlocked(progress, post(i));
    expect(progress.blockedCount).toBe(MAX_LISTED_POSTS + 3);
    expect(progress.blocked).toHaveLength(MAX_LISTED_POSTS);
    expect(progress.truncated).toBe(true);

    let big = newImpact(1, 16);
    for (let i = 0; i < 10; i++) big = withBlocked(big, post(i, 'y'.repeat(40_000)));
    expect(big.blockedCount).toBe(10);
    expect(JSON.stringify(big.blocked).length).toBeLessThanOrEqual(LISTED_BYTES_BUDGET);
    expect(big.truncated).toBe(true);
  });
});
