import type { RenderedText } from '#shared/shares/rendered-text';

/** A stretch of a rendered text and what covers it: which findings, whether Chorus placed it. */
export interface Piece {
  start: number;
  end: number;
  /** Indexes into the text's findings of every finding whose span covers this piece. */
  findings: number[];
  placed: boolean;
}

/**
 * Cuts the text where any finding's span or any part Chorus placed starts or ends, so overlapping
 * findings each mark their words and every piece knows every finding that covers it. Spans out of
 * the text's range are clamped to it; empty ones mark nothing.
 */
export const piecesOf = (rendered: Pick<RenderedText, 'text' | 'parts' | 'findings'>): Piece[] => {
  const { text } = rendered;
  const clamp = (n: number) => Math.min(Math.max(n, 0), text.length);
  const spans = rendered.findings.map((f) =>
    f.span ? { start: clamp(f.span.start), end: clamp(f.span.end) } : undefined,
  );
  const placed = rendered.parts.filter((part) => part.kind !== 'copy');
  const cuts = new Set([0, text.length]);
  for (const span of [...spans, ...placed]) {
    if (!span) continue;
    cuts.add(clamp(span.start));
    cuts.add(clamp(span.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const pieces: Piece[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i] ?? 0;
    const end = points[i + 1] ?? start;
    if (end <= start) continue;
    pieces.push({
      start,
      end,
      findings: spans.flatMap((span, index) =>
        span && span.start <= start && end <= span.end ? [index] : [],
      ),
      placed: placed.some((part) => part.start <= start && end <= part.end),
    });
  }
  return pieces;
};
