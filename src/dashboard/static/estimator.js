// Estimator playground: cpu_milli and N → the `watt_increases` curve and the placement chosen per k,
// from the WAO-compatible estimator API of the server the page came from.
import { h, replace, setText } from './dom.js';
import { wattsOrInf } from './format.js';
import { lineChart } from './charts.js';
import { getJson, postJson } from './api.js';

/** Text of one k's placement in an explained answer (`{k, watt_increase, placement: {node: count} | null}`). */
export function placementText(e) {
  if (!e) return '–';
  if (e.placement === null) return 'cannot be placed (no node can take it)';
  const parts = Object.entries(e.placement ?? {}).filter(([, n]) => n > 0).map(([node, n]) => `${node}: ${n}`);
  return parts.length ? parts.join(', ') : 'nothing placed';
}

/** A curve value for people: +Inf, or watts rounded to 0.01. */
function curveValue(w) {
  return w >= Number.MAX_VALUE ? '+Inf' : String(Math.round(w * 100) / 100);
}

/** Why the curve has +Inf: from which k on, and per node the answer's `infinite_reasons` (null when finite). */
export function reasonsView(inc, reasons) {
  const first = inc.findIndex((w) => w >= Number.MAX_VALUE);
  if (first < 0) return null;
  const head = first === 0 ? 'No node can take even one workload.' : `+Inf from k = ${first + 1}: the nodes have room for ${first} workload${first === 1 ? '' : 's'} at most.`;
  const nodes = Object.entries(reasons ?? {});
  return h('div', {},
    h('p', {}, head, nodes.length ? ' Nodes that cannot take one:' : false),
    nodes.length ? h('ul', { 'aria-label': 'Why nodes cannot take a workload' }, nodes.map(([node, rs]) => h('li', {}, h('strong', {}, node), `: ${rs.join('; ')}`))) : false);
}

/** One row of the nodes table from `GET …/nodes`. */
function nodeRow(n) {
  const refreshed = (n.monitors ?? []).some((m) => m.lastSuccess);
  const status = Object.entries(n.status ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || (refreshed ? 'no readings (monitors report none)' : 'not refreshed yet');
  const monitors = (n.monitors ?? []).map((m) => `${m.type}${m.stale ? ' (stale)' : ''}${m.error ? `: ${m.error}` : ''}`).join(', ') || 'none';
  const curve = (n.curve?.watts ?? []).map(curveValue).join(' ');
  const pred = `${n.predictor?.type ?? '?'}${n.predictor?.error ? ` (${n.predictor.error})` : ''}`;
  return h('tr', {}, h('th', { scope: 'row' }, n.name), h('td', {}, pred), h('td', {}, monitors), h('td', {}, status), h('td', {}, curve ? `[${curve}]` : ''));
}

/** Creates the estimator view. */
export function createEstimator() {
  const form = document.getElementById('estimator-form');
  const errEl = document.getElementById('est-error');
  const resultEl = document.getElementById('est-result');
  let chart = null;
  let nodesLoadedFor = null;

  function paths() {
    const [ns, name] = document.getElementById('est-name').value.trim().split('/');
    const base = `/namespaces/${encodeURIComponent(ns)}/estimators/${encodeURIComponent(name)}`;
    return { values: `${base}/values/powerconsumption?explain=true`, nodes: `${base}/nodes?cpu_milli=${Number(document.getElementById('est-cpu').value) || 0}&num_workloads=${Math.min(100, Number(document.getElementById('est-n').value) || 0)}` };
  }

  async function loadNodes() {
    const p = paths();
    if (nodesLoadedFor === p.nodes) return;
    nodesLoadedFor = p.nodes;
    const wrap = document.getElementById('est-nodes');
    try {
      const res = await getJson(p.nodes);
      const items = res.nodes ?? [];
      const cpu = items[0]?.curve?.cpu_milli;
      replace(wrap, items.length
        ? h('div', { class: 'table-wrap' }, h('table', { 'aria-label': 'Estimator nodes' },
          h('thead', {}, h('tr', {}, ['Node', 'Predictor', 'Monitors', 'Status', `Predicted W at 0..N × ${cpu ?? '?'} mCPU`].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, items.map(nodeRow))))
        : h('p', { class: 'muted' }, 'This estimator has no nodes.'));
    } catch (err) {
      replace(wrap, h('p', { class: 'muted' }, err.status === 404 ? 'No estimator of that name on this server.' : `Could not list nodes: ${err.message}`));
    }
  }

  async function submit(e) {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const cpu = Number(document.getElementById('est-cpu').value);
    const n = Number(document.getElementById('est-n').value);
    errEl.hidden = true;
    const btn = document.getElementById('est-submit');
    btn.disabled = true;
    try {
      const res = await postJson(paths().values, { cpu_milli: cpu, num_workloads: n });
      const inc = res.watt_increases ?? [];
      setText('est-curve', `[${inc.map(curveValue).join(' ')}]`);
      const why = reasonsView(inc, res.infinite_reasons);
      const reasonsEl = document.getElementById('est-reasons');
      reasonsEl.hidden = !why;
      replace(reasonsEl, why);
      resultEl.hidden = false;
      const ks = inc.map((_, i) => i + 1);
      const finite = inc.map((w) => (w >= Number.MAX_VALUE ? null : w));
      if (!chart) chart = lineChart(document.getElementById('chart-estimator'), [{ label: 'W increase', points: { show: true, size: 7 } }], { time: false, xLabel: 'k (workloads)', yLabel: 'W', xIncrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] });
      chart.setData([ks, finite]);
      const placements = res.explain;
      replace(document.querySelector('#est-table tbody'), inc.map((w, i) =>
        h('tr', {}, h('td', {}, i + 1), h('td', { class: 'num' }, wattsOrInf(w)), h('td', {}, Array.isArray(placements) ? placementText(placements[i]) : 'ask with ?explain=true'))));
    } catch (err) {
      errEl.hidden = false;
      errEl.textContent = `${err.code ? `${err.code}: ` : ''}${err.message}`;
      resultEl.hidden = true;
    } finally {
      btn.disabled = false;
    }
    loadNodes();
  }

  form.addEventListener('submit', submit);
  return { show: loadNodes };
}
