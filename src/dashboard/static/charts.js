// @ts-check
// Charts: uPlot line charts that follow their container's width and the colour scheme, and tiny
// canvas sparklines for table rows.
import uPlot from './vendor/uPlot.esm.js';
import { zeroBasedRange } from './scales.js';

/**
 * @typedef {object} ChartSeries one line of a chart
 * @property {string} label
 * @property {string} [color] CSS colour (default: the series palette)
 * @property {string} [scale] `y` (default) or `y2`
 * @property {number[]} [dash]
 * @property {uPlot.Series.Points} [points]
 * @property {uPlot.Series.PathBuilder} [paths]
 */

/**
 * @typedef {object} ChartOptions
 * @property {number} [height] px (default 240)
 * @property {boolean} [time] x is unix seconds (default true)
 * @property {string} [xLabel]
 * @property {number[]} [xIncrs] allowed x tick steps
 * @property {string} [yLabel] (default W)
 * @property {boolean} [yFromZero] y starts at 0
 * @property {uPlot.Range.MinMax} [yRange] fixed y range
 * @property {{ label: string, range: uPlot.Range.MinMax }} [y2] a second y axis
 */

/**
 * The value of a CSS custom property on :root.
 * @param {string} name
 * @returns {string}
 */
export function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * The n-th series colour (cycles through 8).
 * @param {number} i
 * @returns {string}
 */
export function seriesColor(i) {
  return cssVar(`--series-${(i % 8) + 1}`) || '#888';
}

/**
 * @param {string} label
 * @param {Partial<uPlot.Axis>} [extra]
 * @returns {uPlot.Axis}
 */
function axis(label, extra = {}) {
  const fg = cssVar('--fg');
  const grid = cssVar('--border');
  return { label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, ...extra };
}

/**
 * A line chart in `el`. `series`: [{label, color?, scale?, dash?, points?}]; `opts.time`: x is unix
 * seconds; `opts.xIncrs`: allowed x tick steps; `opts.yLabel`, `opts.yFromZero` (y starts at 0), `opts.y2` ({label, range}) for a second axis. Returns {setData(data), destroy()}.
 * @param {HTMLElement} el
 * @param {ChartSeries[]} series
 * @param {ChartOptions} [opts]
 * @returns {{ setData(data: uPlot.AlignedData): void, destroy(): void }}
 */
export function lineChart(el, series, opts = {}) {
  /** @type {uPlot | null} */
  let plot = null;
  /** @type {uPlot.AlignedData | null} */
  let pending = null;
  const height = opts.height ?? 240;
  /** @param {uPlot.AlignedData} data */
  const make = (data) => {
    const width = Math.max(200, el.clientWidth || 0);
    const axes = [axis(opts.xLabel ?? '', opts.xIncrs ? { incrs: opts.xIncrs } : {}), axis(opts.yLabel ?? 'W')];
    /** @type {uPlot.Scales} */
    const scales = { x: { time: opts.time !== false } };
    if (opts.y2) {
      axes.push(axis(opts.y2.label, { scale: 'y2', side: 1, grid: { show: false } }));
      scales.y2 = { range: opts.y2.range };
    }
    if (opts.yRange) scales.y = { range: opts.yRange };
    else if (opts.yFromZero) scales.y = { range: (_u, min, max) => zeroBasedRange(min, max) };
    plot = new uPlot(
      {
        width,
        height,
        scales,
        axes,
        cursor: { drag: { x: false, y: false } },
        series: [
          { label: opts.xLabel ?? 'time' },
          ...series.map((s, i) => ({
            label: s.label,
            stroke: s.color ?? seriesColor(i),
            width: 2,
            scale: s.scale ?? 'y',
            dash: s.dash,
            spanGaps: false,
            points: s.points ?? { show: false },
            paths: s.paths,
          })),
        ],
      },
      data,
      el,
    );
  };
  const ro = new ResizeObserver(() => {
    const w = el.clientWidth;
    if (!w) return;
    if (!plot && pending) make(pending);
    else if (plot && Math.abs(plot.width - w) > 2) plot.setSize({ width: w, height });
  });
  ro.observe(el);
  return {
    setData(data) {
      pending = data;
      if (plot) plot.setData(data);
      else if (el.clientWidth) make(data);
    },
    destroy() {
      ro.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
}

/**
 * Draws `values` (numbers or nulls) as a sparkline on `canvas`.
 * @param {HTMLCanvasElement} canvas
 * @param {Array<number | null>} values
 * @param {string} [color]
 */
export function sparkline(canvas, values, color = seriesColor(0)) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || 120;
  const hgt = canvas.clientHeight || 24;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hgt * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, w, hgt);
  const nums = /** @type {number[]} */ (values.filter((v) => v !== null && Number.isFinite(v)));
  if (nums.length === 0) return;
  const max = Math.max(...nums, 1e-9);
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let drawing = false;
  values.forEach((v, i) => {
    const x = values.length === 1 ? w / 2 : (i / (values.length - 1)) * (w - 2) + 1;
    if (v === null || !Number.isFinite(v)) {
      drawing = false;
      return;
    }
    const y = hgt - 2 - (v / max) * (hgt - 4);
    if (drawing) ctx.lineTo(x, y);
    else {
      ctx.moveTo(x, y);
      drawing = true;
    }
  });
  ctx.stroke();
}
