import {
  type CheckSubject,
  checkText,
  disclaimersOn,
  jurisdictionDisclaimers,
  renderFinalParts,
} from '#shared/compliance/engine';
import {
  type ComplianceFinding,
  outcomeOf,
  type RequiredDisclaimer,
} from '#shared/compliance/finding';
import type { CompliancePolicy } from '#shared/compliance/policy';
import { sha256 } from '#shared/hash';
import { linkCodeFor } from '#shared/links/tracked-link';
import { type KnownNetwork, measuredLength, NETWORK_LIMITS } from '#shared/networks/limits';
import { type CopyVariant, type PostContent, variantsFor } from '#shared/posts/post';
import { personValues } from '#shared/posts/template';
import { sampleTemplateValues } from '#shared/shares/render';
import type { RenderedText } from '#shared/shares/rendered-text';

// The schema lives on its own (zod and pure schemas only), so the console can import its type.
export { RenderedText } from '#shared/shares/rendered-text';

/** What a post brings to its rendering. */
export type RenderablePost = Pick<PostContent, 'variants' | 'link'> &
  CheckSubject & { compliance?: { disclaimers: RequiredDisclaimer[] } | undefined };

export interface RenderRequest {
  post: RenderablePost;
  variant: number;
  network: KnownNetwork;
  policy: CompliancePolicy;
  /** The employee the text is for; without one, a sample person fills the fields. */
  reader?: { name: string; jurisdiction?: string | undefined } | undefined;
  /** The link as posted: the share's tracked link, or a stand-in of its shape. */
  postedLink?: { url: string; standIn: boolean } | undefined;
  /** The employee's own words in place of the copy; Chorus places everything else. */
  ownWords?: string | undefined;
  /** A whole text an employee wrote before Chorus placed the locked parts itself. */
  personalised?: string | undefined;
}

/**
 * Where `from` and `to` differ only where `before` became `after`: maps a span of `from` to the
 * same words in `to`, a span inside a replaced link to the whole replacement.
 */
const spanMapper = (from: string, to: string, before: string, after: string) => {
  const starts: number[] = [];
  const ends: number[] = [];
  let i = 0;
  let j = 0;
  while (i < from.length) {
    if (before && from.startsWith(before, i) && to.startsWith(after, j)) {
      for (let k = 0; k < before.length; k++) {
        starts[i + k] = j;
        ends[i + k + 1] = j + after.length;
      }
      i += before.length;
      j += after.length;
    } else {
      starts[i] = j;
      ends[i + 1] = j + 1;
      i += 1;
      j += 1;
    }
  }
  starts[from.length] = to.length;
  ends[0] = 0;
  const clamp = (n: number | undefined) => Math.min(Math.max(n ?? 0, 0), to.length);
  return (span: { start: number; end: number }) => ({
    start: clamp(starts[span.start]),
    end: clamp(ends[span.end]),
  });
};

/**
 * The text one network would receive for one variant, and every finding on it, rendered and
 * checked exactly as the share worker does: the approved disclaimers for that network and those
 * of the reader's jurisdiction, the disclosure, the tracked link; the link rules judge where the
 * reader lands, every other rule (length above all) the text as posted. Spans are in that text.
 */
export const renderForNetwork = (request: RenderRequest): RenderedText => {
  const { post, network, policy } = request;
  const variant = post.variants[request.variant] as CopyVariant;
  const target = { network, jurisdiction: request.reader?.jurisdiction };
  const values = request.reader
    ? { ...personValues(request.reader.name), company: policy.company }
    : sampleTemplateValues(policy.company);
  // A post without a link posts none, whatever link the caller has in hand.
  const posted = post.link && (request.postedLink?.url ?? post.link);
  const render = (link: string | undefined) =>
    renderFinalParts({
      copy: request.ownWords ?? variant.text,
      link,
      values,
      disclaimers: [
        ...disclaimersOn(post.compliance?.disclaimers ?? [], network),
        ...jurisdictionDisclaimers(policy, post, target),
      ],
      policy,
      personalised:
        request.personalised && post.link && link
          ? request.personalised.replaceAll(post.link, link)
          : request.personalised,
    });
  const shown = render(posted);
  const atDestination = render(post.link);
  const toShown = spanMapper(atDestination.text, shown.text, post.link ?? '', posted ?? '');
  const within = (f: ComplianceFinding): ComplianceFinding => ({
    ...f,
    network,
    variant: request.variant,
  });
  const findings = [
    ...checkText(atDestination.text, post, target, policy)
      .filter((f) => f.ruleId.startsWith('link.'))
      .map((f) => within(f.span ? { ...f, span: toShown(f.span) } : f)),
    ...checkText(shown.text, post, target, policy)
      .filter((f) => !f.ruleId.startsWith('link.'))
      .map(within),
  ];
  const limits = NETWORK_LIMITS[network];
  return {
    variant: request.variant,
    network,
    text: shown.text,
    parts: shown.parts,
    reader: request.reader ? 'employee' : 'sample',
    fields: shown.fields,
    ...(post.link
      ? {
          link: {
            destination: post.link,
            posted: request.postedLink && !request.postedLink.standIn ? 'tracked' : 'stand-in',
          },
        }
      : {}),
    length: {
      counted: measuredLength(shown.text, limits),
      limit: limits.maxLength,
      unit: limits.unit,
    },
    outcome: outcomeOf(findings),
    findings,
    policyVersion: policy.version,
  };
};

/**
 * A text with the employee's personalisation, as the share worker posts it: their own words with
 * the locked parts placed around them as the policy in force places them, so a disclaimer added
 * since they wrote is placed, not missing. An edit written whole, before Chorus placed the locked
 * parts (no `ownText`), goes as written, the tracked link in place of the destination.
 */
export const renderPersonalised = (
  request: RenderRequest,
  own: { text: string; ownText?: string | undefined },
): RenderedText =>
  own.ownText === undefined
    ? renderForNetwork({ ...request, personalised: own.text })
    : renderForNetwork({ ...request, ownWords: own.ownText });

/** Whether the employee a share is for is in a segment (by its rules), by segment id. */
export type SegmentMembership = (segmentId: string) => boolean;

/**
 * Employees in one campaign get different variants, but each always the same one. Only copy
 * written for the employee is a candidate: a variant for segments they are in, or one without
 * segments. Among those the network's own copy comes first (as `variantsFor`), then within it
 * the copy for their segments over the general one. None fits: no variant, never another
 * segment's text.
 */
export const variantForShare = (
  post: Pick<PostContent, 'variants'>,
  network: string,
  shareId: string,
  inSegment: SegmentMembership,
): number | undefined => {
  const forEmployee = post.variants.filter((v) => !v.segments || v.segments.some(inSegment));
  const onNetwork = variantsFor({ variants: forEmployee }, network);
  const forTheirSegments = onNetwork.filter((v) => v.segments);
  const variants = forTheirSegments.length > 0 ? forTheirSegments : onNetwork;
  const chosen = variants[Number.parseInt(sha256(shareId).slice(0, 8), 16) % variants.length];
  return chosen ? post.variants.indexOf(chosen) : undefined;
};

/** The segments a post's variants are written for: those whose rules a share must test. */
export const variantSegments = (post: Pick<PostContent, 'variants'>): string[] => [
  ...new Set(post.variants.flatMap((v) => v.segments ?? [])),
];

/** Every (variant, network) pair the post would send on these networks. */
export const variantsOnNetworks = (
  post: Pick<PostContent, 'variants'>,
  networks: readonly KnownNetwork[],
): { variant: number; network: KnownNetwork }[] =>
  networks.flatMap((network) =>
    variantsFor(post, network).map((v) => ({ variant: post.variants.indexOf(v), network })),
  );

/** A link with a tracked link's shape and length, for a text no share exists for yet. */
export const standInLink = (linkBase: string): { url: string; standIn: true } => ({
  url: `${linkBase}/l/${'0'.repeat(10)}`,
  standIn: true,
});

/** The share's own tracked link, as the share worker posts it. */
export const trackedLinkOf = (
  linkBase: string,
  shareId: string,
): { url: string; standIn: false } => ({
  url: `${linkBase}/l/${linkCodeFor(shareId)}`,
  standIn: false,
});
