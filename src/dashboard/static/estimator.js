// Estimator playground: cpu_milli and N → the `watt_increases` curve and the placement chosen per k,
// from the WAO-compatible estimator API of the server the page came from.
import { h, replace, setText } from './dom.js';
import { wattsOrInf } from './format.js';
import { lineChart, pointsOnly } from './charts.js';
import { getJson, postJson } from './api.js';
import { objectTable } from './table.js';

/** Text of the placement for one k, for the explain shapes the estimator may return. */
export function placementText(p) {
  if (p === null || p === undefined) return '–';
  if (Array.isArray(p)) {
    return p
      .map((x) => (typeof x === 'object' && x ? `${x.node ?? x.name ?? x.group ?? '?'}: ${x.workloads ?? x.count ?? x.k ?? '?'}` : String(x)))
      .join(', ');
  }
  if (typeof p === 'object') {
    const inner = p.placement ?? p.nodes ?? p.counts ?? p.assignment;
    if (inner !== undefined) return placementText(inner);
    return Object.entries(p).filter(([, v]) => typeof v === 'number' && v > 0).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing placed';
  }
  return String(p);
}

/** The per-k placements in an explained answer, whatever the key. */
function placementsOf(res) {
  return res.placements ?? res.explain?.placements ?? res.explanation?.placements ?? res.explain ?? res.explanation ?? null;
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
    return { values: `${base}/values/powerconsumption?explain=true`, nodes: `${base}/nodes` };
  }

  async function loadNodes() {
    const p = paths();
    if (nodesLoadedFor === p.nodes) return;
    nodesLoadedFor = p.nodes;
    const wrap = document.getElementById('est-nodes');
    try {
      const res = await getJson(p.nodes);
      const items = Array.isArray(res) ? res : res.nodes ?? res.items ?? [];
      replace(wrap, items.length ? objectTable(items, 'Estimator nodes') : h('p', { class: 'muted' }, 'This estimator has no nodes.'));
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
      setText('est-curve', `[${inc.map((w) => (w >= Number.MAX_VALUE ? '+Inf' : String(w))).join(' ')}]`);
      resultEl.hidden = false;
      const ks = inc.map((_, i) => i + 1);
      const finite = inc.map((w) => (w >= Number.MAX_VALUE ? null : w));
      if (!chart) chart = lineChart(document.getElementById('chart-estimator'), [{ label: 'W increase', ...pointsOnly, paths: undefined, points: { show: true, size: 7 } }], { time: false, xLabel: 'k (workloads)', yLabel: 'W' });
      chart.setData([ks, finite]);
      const placements = placementsOf(res);
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
