import uPlot from 'uplot';

/*
 * The analytics screen's charts, drawn with uPlot. This module is its own chunk, loaded with
 * `import()` when a chart is first shown: no other screen pays for the chart library. It imports
 * nothing from the app, so no shared chunk is split out of the first load for it.
 */

export type Marker = 'circle' | 'square' | 'triangle' | 'diamond';

export interface LineStyle {
  /** The custom property holding the colour, e.g. `--chart-1`. */
  colour: string;
  /** Canvas dash pattern: each line is told apart by its dashes and markers, not colour alone. */
  dash: number[];
  marker: Marker;
}

export interface TimeChartSpec {
  /** Days as the report gives them (`2026-12-01`, UTC days). */
  days: readonly string[];
  series: readonly { label: string; values: readonly (number | null)[]; style: LineStyle }[];
  /** How the value axis says a figure. */
  format: (value: number) => string;
  width: number;
  height: number;
}

export interface DrawnChart {
  canvas: HTMLCanvasElement;
  resize(width: number): void;
  destroy(): void;
}

const DAY_SECONDS = 86_400;
const DAY_TICKS = [1, 2, 7, 14, 30, 91, 365].map((days) => days * DAY_SECONDS);

const cssValue = (host: HTMLElement, property: string, fallback: string) =>
  getComputedStyle(host).getPropertyValue(property).trim() || fallback;

/** A marker at each reading, shaped per line: the legend shows the same shape. */
const drawMarker = (
  ctx: CanvasRenderingContext2D,
  marker: Marker,
  x: number,
  y: number,
  r: number,
) => {
  ctx.beginPath();
  switch (marker) {
    case 'circle':
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      break;
    case 'square':
      ctx.rect(x - r, y - r, 2 * r, 2 * r);
      break;
    case 'triangle':
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.1, y + r * 0.9);
      ctx.lineTo(x - r * 1.1, y + r * 0.9);
      ctx.closePath();
      break;
    case 'diamond':
      ctx.moveTo(x, y - r * 1.3);
      ctx.lineTo(x + r * 1.1, y);
      ctx.lineTo(x, y + r * 1.3);
      ctx.lineTo(x - r * 1.1, y);
      ctx.closePath();
      break;
  }
  ctx.fill();
  ctx.stroke();
};

/** Draws the chart into `host` (replacing what was there); the caller names the canvas. */
export const drawTimeChart = (host: HTMLElement, spec: TimeChartSpec): DrawnChart => {
  const ink = cssValue(host, '--muted', '#555b66');
  const line = cssValue(host, '--line', '#d4d7dd');
  const paper = cssValue(host, '--paper', '#ffffff');
  const colours = spec.series.map((s) => cssValue(host, s.style.colour, ink));
  const xs = spec.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000);
  const data: uPlot.AlignedData = [xs, ...spec.series.map((s) => [...s.values])];
  const pixel = devicePixelRatio || 1;
  const axis = {
    stroke: ink,
    grid: { stroke: line, width: 1 },
    ticks: { stroke: line, width: 1 },
    font: '12px system-ui, sans-serif',
  };
  const options: uPlot.Options = {
    width: spec.width,
    height: spec.height,
    // The report's days are UTC days: shown as such, whatever the browser's zone.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC'),
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: {
        time: true,
        // Half a day either side of the first and last day: one day alone still has an axis,
        // and no marker sits on the plot's edge.
        range: () => [(xs[0] ?? 0) - DAY_SECONDS / 2, (xs.at(-1) ?? 0) + DAY_SECONDS / 2],
      },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      // Ticks a day apart at least: the report's figures are per day, never per hour.
      { ...axis, space: 60, incrs: DAY_TICKS },
      { ...axis, size: 64, values: (_u, splits) => splits.map((v) => spec.format(v)) },
    ],
    series: [
      {},
      ...spec.series.map((s, i) => ({
        label: s.label,
        stroke: colours[i] ?? ink,
        width: 2,
        dash: s.style.dash,
        points: { show: false },
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          ctx.save();
          ctx.lineWidth = 1.5 * pixel;
          ctx.setLineDash([]);
          spec.series.forEach((s, i) => {
            ctx.fillStyle = colours[i] ?? ink;
            ctx.strokeStyle = paper;
            s.values.forEach((value, at) => {
              const x = xs[at];
              if (value === null || x === undefined) return;
              const px = u.valToPos(x, 'x', true);
              const py = u.valToPos(value, 'y', true);
              drawMarker(ctx, s.style.marker, px, py, 4.5 * pixel);
            });
          });
          ctx.restore();
        },
      ],
    },
  };
  host.textContent = '';
  const chart = new uPlot(options, data, host);
  return {
    canvas: chart.ctx.canvas,
    resize: (width) => chart.setSize({ width, height: spec.height }),
    destroy: () => chart.destroy(),
  };
};
