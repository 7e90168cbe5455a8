import { useEffect, useRef, useState } from 'preact/hooks';
import type { Source } from '../analytics-columns';
import type { DrawnChart, LineStyle, Marker } from '../charts/time-chart';

/** The chart module and uPlot: one chunk, fetched the first time a chart is shown. */
let chartModule: Promise<typeof import('../charts/time-chart')> | undefined;
const loadCharts = () => {
  chartModule ??= import('../charts/time-chart');
  return chartModule;
};

/** Each line's look: a colour and, for anyone who cannot tell colours apart, dashes and a marker. */
const STYLES: readonly LineStyle[] = [
  { colour: '--chart-1', dash: [], marker: 'circle' },
  { colour: '--chart-2', dash: [8, 4], marker: 'square' },
  { colour: '--chart-3', dash: [2, 3], marker: 'triangle' },
  { colour: '--chart-4', dash: [10, 3, 2, 3], marker: 'diamond' },
];

export interface ChartLine {
  label: string;
  source: Source;
  values: readonly (number | null)[];
}

const HEIGHT = 240;

const utcDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
export const dayLabel = (day: string) => utcDay.format(new Date(`${day}T00:00:00Z`));

/** The same marker as the canvas draws, for the legend (SVG attributes: no inline style). */
const MarkerShape = ({ marker }: { marker: Marker }) => {
  switch (marker) {
    case 'circle':
      return <circle cx="18" cy="6" r="4" />;
    case 'square':
      return <rect x="14" y="2" width="8" height="8" />;
    case 'triangle':
      return <polygon points="18,1 23,10 13,10" />;
    case 'diamond':
      return <polygon points="18,0 23,6 18,12 13,6" />;
  }
};

const Legend = ({ lines, title }: { lines: readonly ChartLine[]; title: string }) => (
  <ul class="legend" aria-label={`${title}: lines`}>
    {lines.map((line, i) => {
      const style = STYLES[i % STYLES.length] as LineStyle;
      return (
        <li key={line.label}>
          <svg
            class={`swatch chart-${(i % STYLES.length) + 1}`}
            viewBox="0 0 36 12"
            aria-hidden="true"
          >
            <line
              x1="0"
              y1="6"
              x2="36"
              y2="6"
              stroke-dasharray={style.dash.join(' ') || undefined}
            />
            <MarkerShape marker={style.marker} />
          </svg>
          {line.label} <span class="muted">({line.source})</span>
        </li>
      );
    })}
  </ul>
);

/** In words, for the chart's description: the range, and each line's highest day. */
const summaryOf = (
  days: readonly string[],
  lines: readonly ChartLine[],
  format: (n: number) => string,
) => {
  if (days.length === 0) return 'No shares were published in this range.';
  const range =
    days.length === 1
      ? `One day, ${dayLabel(days[0] ?? '')}.`
      : `${days.length} days from ${dayLabel(days[0] ?? '')} to ${dayLabel(days.at(-1) ?? '')}.`;
  const peaks = lines.map((line) => {
    let best = -1;
    line.values.forEach((value, i) => {
      if (value !== null && (best < 0 || value > (line.values[best] ?? 0))) best = i;
    });
    return best < 0
      ? `${line.label} (${line.source}): not measured yet.`
      : `${line.label} (${line.source}): highest ${format(line.values[best] ?? 0)} on ${dayLabel(days[best] ?? '')}.`;
  });
  return [range, ...peaks].join(' ');
};

type Drawing = { kind: 'loading' } | { kind: 'drawn' } | { kind: 'failed' };

/**
 * A time chart with its legend (line styles, not colour alone), a description in words, and a
 * table view of the same figures. The canvas is an image named by the chart's title.
 */
export const TimeChart = ({
  id,
  title,
  days,
  lines,
  format,
  empty,
}: {
  id: string;
  title: string;
  days: readonly string[];
  lines: readonly ChartLine[];
  format: (value: number) => string;
  /** What a table cell says for a day without the figure. */
  empty: string;
}) => {
  const [asTable, setAsTable] = useState(false);
  const [drawing, setDrawing] = useState<Drawing>({ kind: 'loading' });
  const host = useRef<HTMLDivElement>(null);
  const summary = summaryOf(days, lines, format);
  const describedBy = `${id}-summary`;

  useEffect(() => {
    const element = host.current;
    if (asTable || !element || days.length === 0) return;
    let chart: DrawnChart | undefined;
    let observer: ResizeObserver | undefined;
    let gone = false;
    loadCharts().then(
      ({ drawTimeChart }) => {
        if (gone) return;
        chart = drawTimeChart(element, {
          days,
          series: lines.map((line, i) => ({
            label: line.label,
            values: line.values,
            style: STYLES[i % STYLES.length] as LineStyle,
          })),
          format,
          width: element.clientWidth || 320,
          height: HEIGHT,
        });
        chart.canvas.setAttribute('role', 'img');
        chart.canvas.setAttribute('aria-label', title);
        chart.canvas.setAttribute('aria-describedby', describedBy);
        observer = new ResizeObserver(() => chart?.resize(element.clientWidth || 320));
        observer.observe(element);
        setDrawing({ kind: 'drawn' });
      },
      () => {
        if (!gone) setDrawing({ kind: 'failed' });
      },
    );
    return () => {
      gone = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [asTable, days, lines, format, title, describedBy]);

  const showTable = asTable || drawing.kind === 'failed' || days.length === 0;
  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <div class="chart-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <button
          type="button"
          aria-pressed={asTable}
          aria-label={`Table view of ${title}`}
          onClick={() => setAsTable(!asTable)}
        >
          Table view
        </button>
      </div>
      <Legend lines={lines} title={title} />
      {drawing.kind === 'failed' ? (
        <p role="alert" class="error">
          The chart could not be loaded; the table shows the same figures.
        </p>
      ) : null}
      {showTable ? (
        <div class="scroll">
          <table>
            <caption class="muted small">{title}, by day (UTC)</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                {lines.map((line) => (
                  <th scope="col" key={line.label}>
                    {line.label} ({line.source})
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {days.map((day, at) => (
                <tr key={day}>
                  <th scope="row">
                    <time dateTime={day}>{dayLabel(day)}</time>
                  </th>
                  {lines.map((line) => {
                    const value = line.values[at];
                    return (
                      <td key={line.label}>
                        {value === null || value === undefined ? empty : format(value)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <>
          {drawing.kind === 'loading' ? <p role="status">Loading the chart…</p> : null}
          <div class="chart-plot" ref={host} />
        </>
      )}
      <p id={describedBy} class="muted small">
        {summary}
      </p>
    </figure>
  );
};
