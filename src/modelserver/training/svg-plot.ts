/**
 * @module modelserver/training/svg-plot
 * A self-contained SVG of measured vs predicted power (one colour per component, the y = x line for
 * reference, axes with ticks, a legend and the model's errors in the title). No scripts, no external
 * references; text is escaped.
 */

/** One component's points. */
export interface PlotSeries {
  name: string;
  measured: readonly number[];
  predicted: readonly number[];
}

/** Options of {@link measuredVsPredictedSvg}. */
export interface PlotOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
  /** Points drawn per series at most (evenly strided). Default 3000. */
  maxPoints?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** Escapes text for SVG content and attributes. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** "Nice" tick values covering [lo, hi] (about `n` of them). */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmt = (v: number): string => (Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(Math.abs(v) < 1 ? 2 : 1));

/** Renders the plot. */
export function measuredVsPredictedSvg(series: readonly PlotSeries[], opts: PlotOptions): string {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const m = { left: 64, right: 24, top: opts.subtitle ? 58 : 42, bottom: 52 };
  const all = series.flatMap((s) => [...s.measured, ...s.predicted]).filter(Number.isFinite);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.04;
  lo -= pad;
  hi += pad;
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const sx = (v: number) => m.left + ((v - lo) / (hi - lo)) * pw;
  const sy = (v: number) => m.top + ph - ((v - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(opts.title)}</text>`);
  if (opts.subtitle) parts.push(`<text x="${W / 2}" y="38" text-anchor="middle" fill="#444">${escapeXml(opts.subtitle)}</text>`);
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${sx(t).toFixed(1)}" y1="${m.top}" x2="${sx(t).toFixed(1)}" y2="${m.top + ph}" stroke="#eee"/>`);
    parts.push(`<line x1="${m.left}" y1="${sy(t).toFixed(1)}" x2="${m.left + pw}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${sx(t).toFixed(1)}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
    parts.push(`<text x="${m.left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
  parts.push(`<line x1="${sx(lo)}" y1="${sy(lo)}" x2="${sx(hi)}" y2="${sy(hi)}" stroke="#999" stroke-dasharray="4 4"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">measured (W)</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">predicted (W)</text>`);
  const maxPoints = opts.maxPoints ?? 3000;
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const n = Math.min(s.measured.length, s.predicted.length);
    const stride = Math.max(1, Math.ceil(n / maxPoints));
    const dots: string[] = [];
    for (let i = 0; i < n; i += stride) {
      const x = s.measured[i];
      const y = s.predicted[i];
      if (Number.isFinite(x) && Number.isFinite(y)) dots.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2"/>`);
    }
    parts.push(`<g fill="${color}" fill-opacity="0.55" data-series="${escapeXml(s.name)}">${dots.join('')}</g>`);
    const ly = m.top + 14 + k * 16;
    parts.push(`<circle cx="${m.left + 12}" cy="${ly - 4}" r="4" fill="${color}"/><text x="${m.left + 22}" y="${ly}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
