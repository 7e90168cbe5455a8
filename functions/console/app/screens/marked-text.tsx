import type { ComplianceFinding } from '#shared/compliance/finding';

const SEVERITY: Record<ComplianceFinding['severity'], string> = {
  block: 'Blocks sharing',
  review: 'Needs legal’s review',
  warn: 'Worth a look',
};

/**
 * A text with each finding's span marked in it, numbered as in the list that follows, so the
 * words a finding is about are found by eye and by screen reader (each mark says its number).
 */
export const MarkedText = ({
  text,
  findings,
  label,
}: {
  text: string;
  findings: readonly ComplianceFinding[];
  label: string;
}) => {
  const spans = findings
    .map((finding, index) => ({ finding, index }))
    .filter(({ finding }) => finding.span && finding.span.end > finding.span.start)
    .sort((a, b) => (a.finding.span?.start ?? 0) - (b.finding.span?.start ?? 0));
  const pieces: preact.ComponentChildren[] = [];
  let at = 0;
  for (const { finding, index } of spans) {
    const { start, end } = finding.span ?? { start: 0, end: 0 };
    if (start < at) continue;
    if (start > at) pieces.push(text.slice(at, start));
    pieces.push(
      <mark key={`${index}-${start}`} class={`finding ${finding.severity}`} title={finding.message}>
        {text.slice(start, end)}
        <sup>{index + 1}</sup>
      </mark>,
    );
    at = end;
  }
  if (at < text.length) pieces.push(text.slice(at));
  return (
    <figure class="final">
      <figcaption class="muted">{label}</figcaption>
      <blockquote class="text">{pieces}</blockquote>
      {findings.length ? (
        <ol class="findings" aria-label="Findings">
          {findings.map((finding, index) => (
            <li key={`${finding.ruleId}-${index}`} class={finding.severity}>
              <strong>{SEVERITY[finding.severity]}:</strong> {finding.message}
              {finding.suggestion ? <span class="muted"> — {finding.suggestion}</span> : null}
            </li>
          ))}
        </ol>
      ) : null}
    </figure>
  );
};
