import { appendFileSync } from 'node:fs';

/**
 * One measured figure and what it is judged against, measured in the same run: a baseline
 * (another measurement it is compared with) or a limit (a bar it must stay under or above).
 */
export interface Figure {
  section: string;
  figure: string;
  value: number;
  unit: string;
  /** What the value is compared with, as printed, e.g. "naive per-phrase scan 41.2 ms". */
  against?: string;
  /** The value ÷ the baseline, where a ratio is the point. */
  ratio?: number;
  /** Whether it met its bar; absent when the figure is reported, not judged. */
  met?: boolean;
}

/** Sizes for the full run, and the quick one CI runs (`npm run bench -- --quick`). */
export const quick = process.env.BENCH_QUICK === '1';

/** A section runs as its own process and hands its figures to the runner through this file. */
export const report = (figures: readonly Figure[]) => {
  const out = process.env.BENCH_OUT;
  for (const f of figures) {
    if (out) appendFileSync(out, `${JSON.stringify(f)}\n`);
    else console.log(JSON.stringify(f));
  }
};

export const progress = (line: string) => process.stderr.write(`  ${line}\n`);

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
