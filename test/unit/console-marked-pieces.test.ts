import { describe, expect, it } from 'vitest';
import { piecesOf } from '#functions/console/app/marked-pieces';

const finding = (start: number, end: number) => ({
  ruleId: 'r',
  severity: 'review' as const,
  message: 'm',
  span: { start, end },
});

const words = (text: string, pieces: ReturnType<typeof piecesOf>) =>
  pieces.map((p) => [text.slice(p.start, p.end), p.findings, p.placed]);

describe('the pieces legal’s console marks in a rendered text', () => {
  it('covers the whole text once, each piece knowing every finding over it, overlaps included', () => {
    const text = 'We guarantee steady growth. Ad';
    const pieces = piecesOf({
      text,
      parts: [
        { kind: 'copy', start: 0, end: 27 },
        { kind: 'disclosure', start: 28, end: 30 },
      ],
      findings: [
        finding(3, 12),
        finding(3, 19),
        { ruleId: 'p', severity: 'warn', message: 'no span' },
      ],
    });
    expect(words(text, pieces)).toEqual([
      ['We ', [], false],
      ['guarantee', [0, 1], false],
      [' steady', [1], false],
      [' growth. ', [], false],
      ['Ad', [], true],
    ]);
    expect(pieces.map((p) => text.slice(p.start, p.end)).join('')).toBe(text);
  });

  it('clamps spans beyond the text and marks nothing for an empty span', () => {
    const text = 'abc';
    expect(
      words(text, piecesOf({ text, parts: [], findings: [finding(2, 99), finding(1, 1)] })),
    ).toEqual([
      ['a', [], false],
      ['b', [], false],
      ['c', [0], false],
    ]);
  });
});
