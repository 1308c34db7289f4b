/**
 * @module capping/sim/plot
 * An SVG of simulator runs: power against the budget (top) and load served against demanded (bottom),
 * one line per algorithm. Plain SVG, no script, readable in any browser.
 */
import type { SimResult } from './simulator.js';

const COLORS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const W = 900;
const H = 260;
const M = { left: 60, right: 160, top: 30, bottom: 30 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panel(
  y0: number,
  title: string,
  unit: string,
  t: number[],
  lines: Array<{ label: string; values: number[]; color: string; dash?: boolean }>,
): string {
  const tMax = Math.max(t[t.length - 1] ?? 1, 1);
  const vMax = Math.max(1, ...lines.flatMap((l) => l.values)) * 1.05;
  const x = (v: number) => M.left + ((W - M.left - M.right) * v) / tMax;
  const y = (v: number) => y0 + M.top + (H - M.top - M.bottom) * (1 - v / vMax);
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${y0 + 18}" font-size="14" font-weight="bold">${esc(title)}</text>`);
  out.push(
    `<line x1="${M.left}" y1="${y(0)}" x2="${W - M.right}" y2="${y(0)}" stroke="#888"/><line x1="${M.left}" y1="${y(0)}" x2="${M.left}" y2="${y(vMax)}" stroke="#888"/>`,
  );
  for (let k = 0; k <= 4; k++) {
    const v = (vMax * k) / 4;
    out.push(`<text x="${M.left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end">${Math.round(v)}</text>`);
    const tv = (tMax * k) / 4;
    out.push(`<text x="${x(tv)}" y="${y(0) + 14}" font-size="10" text-anchor="middle">${Math.round(tv)}s</text>`);
  }
  out.push(`<text x="12" y="${y(vMax / 2)}" font-size="10" transform="rotate(-90 12 ${y(vMax / 2)})" text-anchor="middle">${esc(unit)}</text>`);
  for (const [k, l] of lines.entries()) {
    const pts = l.values.map((v, i) => `${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<polyline fill="none" stroke="${l.color}" stroke-width="1.3"${l.dash ? ' stroke-dasharray="6 3"' : ''} points="${pts}"/>`);
    out.push(
      `<line x1="${W - M.right + 10}" y1="${y0 + M.top + 14 * k}" x2="${W - M.right + 30}" y2="${y0 + M.top + 14 * k}" stroke="${l.color}"${l.dash ? ' stroke-dasharray="6 3"' : ''}/><text x="${W - M.right + 34}" y="${y0 + M.top + 14 * k + 4}" font-size="11">${esc(l.label)}</text>`,
    );
  }
  return out.join('\n');
}

/** The SVG text for runs of one scenario. */
export function plotRuns(runs: readonly SimResult[]): string {
  const t = runs[0]?.series.t ?? [];
  const power = [
    { label: 'budget', values: runs[0]?.series.budgetWatts ?? [], color: '#000', dash: true },
    ...runs.map((r, k) => ({ label: r.algorithm, values: r.series.watts, color: COLORS[k % COLORS.length] })),
  ];
  const load = [
    { label: 'demanded', values: runs[0]?.series.demand ?? [], color: '#000', dash: true },
    ...runs.map((r, k) => ({ label: `${r.algorithm} served`, values: r.series.served, color: COLORS[k % COLORS.length] })),
  ];
  const scenario = runs[0]?.scenario ?? '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${2 * H}" viewBox="0 0 ${W} ${2 * H}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    panel(0, `${scenario}: power vs budget`, 'watts', t, power),
    panel(H, `${scenario}: load served vs demanded`, 'load units/s', t, load),
    '</svg>',
    '',
  ].join('\n');
}
