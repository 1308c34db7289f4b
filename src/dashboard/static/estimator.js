// @ts-check
// Estimator playground: cpu_milli and N → the `watt_increases` curve and the placement chosen per k,
// from the WAO-compatible estimator API of the server the page came from.
import { byId, h, replace, setText } from './dom.js';
import { wattsOrInf } from './format.js';
import { lineChart } from './charts.js';
import { asApiError, getJson, postJson } from './api.js';

/** @typedef {{ k: number, watt_increase: number, placement: Record<string, number> | null }} ExplainedK one k of an explained answer */
/**
 * A node of `GET …/nodes`, as this page reads it.
 * @typedef {object} EstimatorNode
 * @property {string} name
 * @property {{ type: string, lastSuccess?: string, stale?: boolean, error?: string }[]} [monitors]
 * @property {Record<string, unknown>} [status]
 * @property {{ watts?: number[], cpu_milli?: number }} [curve]
 * @property {{ type?: string, error?: string }} [predictor]
 */

/**
 * Text of one k's placement in an explained answer (`{k, watt_increase, placement: {node: count} | null}`).
 * @param {ExplainedK | undefined} e
 * @returns {string}
 */
export function placementText(e) {
  if (!e) return '–';
  if (e.placement === null) return 'cannot be placed (no node can take it)';
  const parts = Object.entries(e.placement ?? {})
    .filter(([, n]) => n > 0)
    .map(([node, n]) => `${node}: ${n}`);
  return parts.length ? parts.join(', ') : 'nothing placed';
}

/**
 * A curve value for people: +Inf, or watts rounded to 0.01.
 * @param {number} w
 */
function curveValue(w) {
  return w >= Number.MAX_VALUE ? '+Inf' : String(Math.round(w * 100) / 100);
}

/**
 * Why the curve has +Inf: from which k on, and per node the answer's `infinite_reasons` (null when finite).
 * @param {number[]} inc the answer's `watt_increases`
 * @param {Record<string, string[]> | undefined} reasons
 * @returns {HTMLElement | null}
 */
export function reasonsView(inc, reasons) {
  const first = inc.findIndex((w) => w >= Number.MAX_VALUE);
  if (first < 0) return null;
  const head =
    first === 0
      ? 'No node can take even one workload.'
      : `+Inf from k = ${first + 1}: the nodes have room for ${first} workload${first === 1 ? '' : 's'} at most.`;
  const nodes = Object.entries(reasons ?? {});
  return h(
    'div',
    {},
    h('p', {}, head, nodes.length ? ' Nodes that cannot take one:' : false),
    nodes.length
      ? h(
          'ul',
          { 'aria-label': 'Why nodes cannot take a workload' },
          nodes.map(([node, rs]) => h('li', {}, h('strong', {}, node), `: ${rs.join('; ')}`)),
        )
      : false,
  );
}

/**
 * One row of the nodes table from `GET …/nodes`.
 * @param {EstimatorNode} n
 */
function nodeRow(n) {
  const refreshed = (n.monitors ?? []).some((m) => m.lastSuccess);
  const status =
    Object.entries(n.status ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || (refreshed ? 'no readings (monitors report none)' : 'not refreshed yet');
  const monitors = (n.monitors ?? []).map((m) => `${m.type}${m.stale ? ' (stale)' : ''}${m.error ? `: ${m.error}` : ''}`).join(', ') || 'none';
  const curve = (n.curve?.watts ?? []).map(curveValue).join(' ');
  const pred = `${n.predictor?.type ?? '?'}${n.predictor?.error ? ` (${n.predictor.error})` : ''}`;
  return h(
    'tr',
    {},
    h('th', { scope: 'row' }, n.name),
    h('td', {}, pred),
    h('td', {}, monitors),
    h('td', {}, status),
    h('td', {}, curve ? `[${curve}]` : ''),
  );
}

/** Creates the estimator view. */
export function createEstimator() {
  const form = byId('estimator-form', HTMLFormElement);
  const errEl = byId('est-error');
  const resultEl = byId('est-result');
  const nameEl = byId('est-name', HTMLInputElement);
  const cpuEl = byId('est-cpu', HTMLInputElement);
  const nEl = byId('est-n', HTMLInputElement);
  /** @type {ReturnType<typeof lineChart> | null} */
  let chart = null;
  /** @type {string | null} */
  let nodesLoadedFor = null;

  function paths() {
    const [ns, name] = nameEl.value.trim().split('/');
    const base = `/namespaces/${encodeURIComponent(ns)}/estimators/${encodeURIComponent(name)}`;
    return {
      values: `${base}/values/powerconsumption?explain=true`,
      nodes: `${base}/nodes?cpu_milli=${Number(cpuEl.value) || 0}&num_workloads=${Math.min(100, Number(nEl.value) || 0)}`,
    };
  }

  async function loadNodes() {
    const p = paths();
    if (nodesLoadedFor === p.nodes) return;
    nodesLoadedFor = p.nodes;
    const wrap = byId('est-nodes');
    try {
      const res = await getJson(p.nodes);
      /** @type {EstimatorNode[]} */
      const items = res.nodes ?? [];
      const cpu = items[0]?.curve?.cpu_milli;
      replace(
        wrap,
        items.length
          ? h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { 'aria-label': 'Estimator nodes' },
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Node', 'Predictor', 'Monitors', 'Status', `Predicted W at 0..N × ${cpu ?? '?'} mCPU`].map((c) => h('th', { scope: 'col' }, c)),
                  ),
                ),
                h('tbody', {}, items.map(nodeRow)),
              ),
            )
          : h('p', { class: 'muted' }, 'This estimator has no nodes.'),
      );
    } catch (caught) {
      const err = asApiError(caught);
      replace(
        wrap,
        h('p', { class: 'muted' }, err.status === 404 ? 'No estimator of that name on this server.' : `Could not list nodes: ${err.message}`),
      );
    }
  }

  /** @param {SubmitEvent} e */
  async function submit(e) {
    e.preventDefault();
    if (!form.reportValidity()) return;
    const cpu = Number(cpuEl.value);
    const n = Number(nEl.value);
    errEl.hidden = true;
    const btn = byId('est-submit', HTMLButtonElement);
    btn.disabled = true;
    try {
      const res = await postJson(paths().values, { cpu_milli: cpu, num_workloads: n });
      /** @type {number[]} */
      const inc = res.watt_increases ?? [];
      setText('est-curve', `[${inc.map(curveValue).join(' ')}]`);
      const why = reasonsView(inc, res.infinite_reasons);
      const reasonsEl = byId('est-reasons');
      reasonsEl.hidden = !why;
      replace(reasonsEl, why);
      resultEl.hidden = false;
      const ks = inc.map((_, i) => i + 1);
      const finite = inc.map((w) => (w >= Number.MAX_VALUE ? null : w));
      if (!chart)
        chart = lineChart(byId('chart-estimator'), [{ label: 'W increase', points: { show: true, size: 7 } }], {
          time: false,
          xLabel: 'k (workloads)',
          yLabel: 'W',
          xIncrs: [1, 2, 5, 10, 20, 50, 100, 200, 500],
        });
      chart.setData([ks, finite]);
      /** @type {ExplainedK[] | undefined} */
      const placements = res.explain;
      replace(
        byId('est-table', HTMLTableElement).tBodies[0],
        inc.map((w, i) =>
          h(
            'tr',
            {},
            h('td', {}, i + 1),
            h('td', { class: 'num' }, wattsOrInf(w)),
            h('td', {}, Array.isArray(placements) ? placementText(placements[i]) : 'ask with ?explain=true'),
          ),
        ),
      );
    } catch (caught) {
      const err = asApiError(caught);
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
