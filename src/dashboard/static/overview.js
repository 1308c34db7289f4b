// @ts-check
// Overview: node power now (measured or estimated, with the meter named), per-zone table, and charts
// of the last 15 minutes per zone and of active vs idle with the CPU busy ratio.
import { byId, h, replace, setText } from './dom.js';
import { watts, joules, percent, meterText } from './format.js';
import { lineChart } from './charts.js';
import { chartColumns } from './history-view.js';

const WINDOW_S = 15 * 60;

/** @typedef {import('../../core/contracts.js').NodeView} NodeView */
/** @typedef {import('../history.js').NodeHistory} NodeHistory */
/** @typedef {import('../history.js').HistoryPoint} HistoryPoint */
/** @typedef {{ zone: string, path: string, values: Array<number | null> }} ZoneSeries */
/**
 * The page's copy of the node history: times in unix seconds; `gapAt`: times of points with
 * unrecorded time before them (the charts break their lines there).
 * @typedef {{ t: number[], watts: number[], active: number[], idle: number[], busy: number[], zones: Map<string, ZoneSeries>, gapAt: Set<number> }} History
 */

/**
 * Creates the overview view; keeps its own copy of the node history (bounded to `maxPoints`).
 * @param {number} maxPoints
 */
export function createOverview(maxPoints) {
  /** @type {History} */
  let hist = { t: [], watts: [], active: [], idle: [], busy: [], zones: new Map(), gapAt: new Set() };
  /** @type {ReturnType<typeof lineChart> | null} */
  let zoneChart = null;
  let zoneChartKeys = '';
  /** @type {ReturnType<typeof lineChart> | null} */
  let activeChart = null;

  /** @param {{ zone: string, path: string }} z */
  function zoneKey(z) {
    return `${z.zone}\t${z.path}`;
  }

  function zoneLabels() {
    const names = [...hist.zones.values()].map((z) => z.zone);
    return [...hist.zones.values()].map((z) => (names.filter((n) => n === z.zone).length > 1 ? `${z.zone} (${z.path})` : z.zone));
  }

  function trim() {
    const cut = Math.max(0, hist.t.length - maxPoints);
    if (cut === 0) return;
    for (const k of /** @type {const} */ (['t', 'watts', 'active', 'idle', 'busy'])) hist[k].splice(0, cut);
    for (const z of hist.zones.values()) z.values.splice(0, cut);
  }

  function render() {
    const now = hist.t.length ? hist.t[hist.t.length - 1] : 0;
    let from = hist.t.findIndex((t) => t >= now - WINDOW_S);
    if (from < 0) from = 0;
    const t = hist.t.slice(from);
    const tMs = t.map((s) => s * 1000);
    const gaps = t.flatMap((s, i) => (hist.gapAt.has(s) ? [i] : []));
    const keys = [...hist.zones.keys()].join('|');
    if (!zoneChart || keys !== zoneChartKeys) {
      zoneChart?.destroy();
      const el = byId('chart-zones');
      replace(el);
      zoneChart = lineChart(el, [{ label: 'node total', color: undefined, dash: [6, 3] }, ...zoneLabels().map((label) => ({ label }))], {
        yLabel: 'W',
        yFromZero: true,
      });
      zoneChartKeys = keys;
    }
    const zc = chartColumns(tMs, [hist.watts.slice(from), ...[...hist.zones.values()].map((z) => z.values.slice(from))], gaps);
    zoneChart.setData([zc.x, ...zc.columns]);
    if (!activeChart) {
      activeChart = lineChart(
        byId('chart-active'),
        [{ label: 'active W' }, { label: 'idle W' }, { label: 'CPU busy %', scale: 'y2', dash: [4, 3] }],
        { yLabel: 'W', yFromZero: true, y2: { label: '%', range: [0, 100] } },
      );
    }
    const ac = chartColumns(tMs, [hist.active.slice(from), hist.idle.slice(from), hist.busy.slice(from).map((b) => b * 100)], gaps);
    activeChart.setData([ac.x, ...ac.columns]);
  }

  return {
    /**
     * Replaces the history with `/api/v1/history/node`.
     * @param {NodeHistory} nh
     */
    setHistory(nh) {
      hist = {
        t: nh.timestamps.map((ms) => ms / 1000),
        watts: nh.watts.slice(),
        active: nh.activeWatts.slice(),
        idle: nh.idleWatts.slice(),
        busy: nh.busyRatio.slice(),
        /** @type {Map<string, ZoneSeries>} */
        zones: new Map(nh.zones.map((z) => [zoneKey(z), { zone: z.zone, path: z.path, values: z.watts.slice() }])),
        gapAt: new Set(nh.gaps.map((i) => nh.timestamps[i] / 1000)),
      };
      trim();
      render();
    },
    /**
     * Appends one point of a `refresh` event.
     * @param {HistoryPoint} p
     */
    appendPoint(p) {
      const ts = p.t / 1000;
      if (hist.t.length && hist.t[hist.t.length - 1] >= ts) return;
      const n = hist.t.length;
      hist.t.push(ts);
      hist.watts.push(p.watts);
      hist.active.push(p.activeWatts);
      hist.idle.push(p.idleWatts);
      hist.busy.push(p.busyRatio);
      for (const [key, w] of Object.entries(p.zones)) {
        if (!hist.zones.has(key)) {
          const i = key.indexOf('\t');
          hist.zones.set(key, { zone: key.slice(0, i), path: key.slice(i + 1), values: new Array(n).fill(null) });
        }
      }
      for (const [key, z] of hist.zones) z.values.push(p.zones[key] ?? null);
      trim();
      render();
    },
    /**
     * Shows a `NodeView` in the cards and the zone table.
     * @param {NodeView} node
     */
    showNode(node) {
      setText('node-watts', watts(node.watts));
      setText('node-source', meterText(node.meter));
      setText('node-active', watts(node.activeWatts));
      setText('node-idle', watts(node.idleWatts));
      setText('node-busy', percent(node.busyRatio));
      setText('node-cpus', `${node.cpus} logical CPUs, averaged over ${node.intervalSeconds.toFixed(1)} s`);
      setText('node-name', node.nodeName);
      const badge = byId('meter-badge');
      badge.textContent = node.meter.estimated ? `estimated · ${node.meter.model ?? node.meter.name}` : `measured · ${node.meter.name}`;
      badge.className = `badge ${node.meter.estimated ? 'estimated' : 'measured'}`;
      const base = byId('card-baseline');
      base.hidden = !Number.isFinite(node.meter.baselineWatts);
      if (!base.hidden) {
        setText('node-baseline', watts(node.meter.baselineWatts));
        setText(
          'node-baseline-sub',
          Number.isFinite(node.meter.maxWatts)
            ? `the model's watts with nothing running; ${watts(node.meter.maxWatts)} at 100 % CPU`
            : "the model's watts with nothing running",
        );
      }
      const plat = byId('card-platform');
      plat.hidden = node.platformWatts === undefined || node.platformWatts === null;
      if (!plat.hidden) {
        setText('node-platform', watts(node.platformWatts));
        setText('node-platform-source', node.platformSource ? `from ${node.platformSource}` : '');
      }
      const gpu = byId('card-gpu');
      gpu.hidden = !node.gpus || node.gpus.length === 0;
      if (!gpu.hidden) {
        setText('node-gpu', watts(node.gpus.reduce((s, g) => s + g.watts, 0)));
        setText('node-gpu-names', node.gpus.map((g) => `${g.index}: ${g.name}`).join(', '));
      }
      const rows = node.zones.map((z) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, z.zone),
          h('td', {}, z.path),
          h('td', { class: 'num' }, watts(z.watts)),
          h('td', { class: 'num' }, watts(z.activeWatts)),
          h('td', { class: 'num' }, watts(z.idleWatts)),
          h('td', { class: 'num' }, joules(z.joulesTotal)),
        ),
      );
      replace(
        byId('zone-table-wrap'),
        h(
          'div',
          { class: 'table-wrap' },
          h(
            'table',
            { 'aria-label': 'Power per zone now', id: 'zone-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Zone', 'Path', 'W now', 'Active W', 'Idle W', 'J since start'].map((c, i) =>
                  h('th', { scope: 'col', class: i >= 2 ? 'num' : undefined }, c),
                ),
              ),
            ),
            h('tbody', {}, rows),
          ),
        ),
        h('p', { class: 'muted' }, 'Node power is the sum of the zones that do not nest inside another (package already includes core and uncore).'),
      );
    },
    /**
     * Says plainly that this server has no agent.
     * @param {string} message
     */
    showNoAgent(message) {
      setText('node-watts', 'n/a');
      setText('node-source', message);
    },
  };
}
