import { piecesOf } from '../marked-pieces';
import type { ReviewItem } from '../review-endpoints';

type Rendered = ReviewItem['rendered'][number];
type Finding = Rendered['findings'][number];

export const NETWORK_LABELS: Record<string, string> = {
  linkedin: 'LinkedIn',
  x: 'X',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  sandbox: 'Sandbox',
  facebook: 'Facebook',
};

export const networkLabel = (network: string) => NETWORK_LABELS[network] ?? network;

const SEVERITY: Record<Finding['severity'], string> = {
  block: 'Blocks',
  review: 'Needs review',
  warn: 'Warning',
};

export const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/**
 * One text exactly as a network would receive it, each finding's words in a <mark> whose
 * accessible description is the finding (rule, explanation, fix) listed below the text.
 */
export const MarkedText = ({
  rendered,
  idPrefix,
  caption,
}: {
  rendered: Rendered;
  idPrefix: string;
  caption: string;
}) => {
  const findingId = (index: number) => `${idPrefix}-finding-${index}`;
  return (
    <figure class="final review-text">
      <figcaption>{caption}</figcaption>
      <blockquote class="text">
        {piecesOf(rendered).map((piece) => {
          const words = rendered.text.slice(piece.start, piece.end);
          const shown = piece.placed ? (
            <span class="placed" title="Placed by Chorus">
              {words}
            </span>
          ) : (
            words
          );
          if (!piece.findings.length) return <span key={piece.start}>{shown}</span>;
          const worst = piece.findings.some((i) => rendered.findings[i]?.severity === 'block')
            ? 'block'
            : 'review';
          return (
            <mark
              key={piece.start}
              class={`finding ${worst}`}
              aria-describedby={piece.findings.map(findingId).join(' ')}
            >
              {shown}
            </mark>
          );
        })}
      </blockquote>
      <p class="muted small">
        {rendered.length.counted} of {rendered.length.limit}{' '}
        {rendered.length.unit === 'graphemes' ? 'characters' : 'code points'}
        {rendered.reader === 'sample' ? ' · template fields filled for a sample person' : ''}
        {rendered.link?.posted === 'stand-in' ? ' · the link stands in for the tracked link' : ''}
      </p>
      {rendered.findings.length ? (
        <ul class="findings" aria-label={`Findings in ${caption}`}>
          {rendered.findings.map((finding, index) => (
            <li
              key={findingId(index)}
              id={findingId(index)}
              class={`finding-note ${finding.severity}`}
            >
              <strong>
                {SEVERITY[finding.severity]}: {finding.ruleId}
              </strong>
              {finding.span ? (
                <> on “{rendered.text.slice(finding.span.start, finding.span.end)}”</>
              ) : null}
              : {finding.message}
              {finding.suggestion ? <span class="fix">Fix: {finding.suggestion}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        <p class="notice small">No findings in this text.</p>
      )}
    </figure>
  );
};
