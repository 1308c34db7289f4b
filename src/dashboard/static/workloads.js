// @ts-check
// Workloads: the top processes / containers / pods / VMs by watts now or joules since start;
// sortable, searchable, a sparkline each; a row opens the workload's history.
import { byId, h, replace, setText } from './dom.js';
import { watts, joules, seconds } from './format.js';
import { lineChart, sparkline, seriesColor } from './charts.js';
import { asApiError, getJson } from './api.js';
import { whereText } from './where.js';
import { chartColumns, resolutionText } from './history-view.js';

/** @typedef {import('../../core/contracts.js').WorkloadView} WorkloadView */
/** @typedef {import('../../core/contracts.js').WorkloadsResponse} WorkloadsResponse */
/** @typedef {import('../../core/contracts.js').WorkloadLevel} WorkloadLevel */
/** @typedef {import('../history.js').WorkloadHistory} WorkloadHistory */

const TOP = 200;
/** @type {Record<WorkloadLevel, string>} */
const PLURAL = { process: 'processes', container: 'containers', pod: 'pods', vm: 'VMs' };

/**
 * Creates the workloads view from `/api/v1/dashboard` info (`live`: the server keeps history for sparklines and charts).
 * @param {import('../routes.js').DashboardInfo} info
 */
export function createWorkloads(info) {
  const live = info.live;
  const levelEl = byId('workload-level', HTMLSelectElement);
  const searchEl = byId('workload-search', HTMLInputElement);
  const tbody = byId('workload-table', HTMLTableElement).tBodies[0];
  const detailEl = byId('workload-detail');
  /** @type {'watts' | 'joulesTotal' | 'cpuSecondsTotal'} */
  let sortKey = 'watts';
  let sortDir = -1;
  /** @type {WorkloadsResponse | null} */
  let data = null;
  /** @type {WorkloadHistory | null} */
  let history = null;
  /** @type {string | null} */
  let selected = null;
  /** @type {ReturnType<typeof lineChart> | null} */
  let detailChart = null;
  /** @type {Promise<void> | null} */
  let loading = null;

  for (const btn of document.querySelectorAll('#workload-table th button[data-sort]')) {
    if (!(btn instanceof HTMLButtonElement)) continue;
    btn.addEventListener('click', () => {
      const key = /** @type {typeof sortKey} */ (btn.dataset.sort);
      sortDir = key === sortKey ? -sortDir : -1;
      sortKey = key;
      for (const th of document.querySelectorAll('#workload-table th')) th.setAttribute('aria-sort', 'none');
      btn.parentElement?.setAttribute('aria-sort', sortDir < 0 ? 'descending' : 'ascending');
      render();
    });
  }
  searchEl.addEventListener('input', () => render());
  levelEl.addEventListener('change', () => {
    selected = null;
    replace(detailEl, h('p', { class: 'muted' }, 'Select a workload (click or Enter) to see its history.'));
    refresh();
  });
  byId('workload-controls').addEventListener('submit', (e) => e.preventDefault());

  /**
   * @param {WorkloadView} w
   * @param {string} q lower-case search text
   */
  function matches(w, q) {
    if (!q) return true;
    return [w.name, w.id, w.namespace, w.podName, w.containerId, w.cmdline].some((s) => s && s.toLowerCase().includes(q));
  }

  /** @param {string} id */
  function seriesOf(id) {
    return history?.series.find((s) => s.id === id);
  }

  function render() {
    if (!data) return;
    const q = searchEl.value.trim().toLowerCase();
    const items = data.items
      .filter((w) => matches(w, q))
      .sort((a, b) => sortDir * ((a[sortKey] ?? 0) - (b[sortKey] ?? 0)) || a.id.localeCompare(b.id));
    setText(
      'workload-count',
      `${items.length} shown of ${data.total} ${data.total === 1 ? data.level : PLURAL[data.level]}${data.total > data.items.length ? ` (top ${data.items.length} fetched)` : ''}`,
    );
    const empty = byId('workload-empty');
    empty.hidden = items.length > 0;
    if (!empty.hidden) empty.textContent = data.total === 0 ? noneText(data.level) : 'Nothing matches the search.';
    const active = document.activeElement;
    const focusedId = active && tbody.contains(active) ? active.closest('tr')?.dataset.id : undefined;
    replace(
      tbody,
      items.map((w) => row(w)),
    );
    if (focusedId !== undefined) [...tbody.rows].find((tr) => tr.dataset.id === focusedId)?.focus({ preventScroll: true });
    // Sparklines: the last 180 refreshes of the full-resolution part (not the older 1-minute averages).
    const fullFrom = history?.segments.find((seg) => !seg.averaged)?.start ?? 0;
    for (const c of tbody.querySelectorAll('canvas.spark')) {
      if (!(c instanceof HTMLCanvasElement) || !c.dataset.id) continue;
      const s = seriesOf(c.dataset.id);
      if (s) sparkline(c, s.watts.slice(Math.max(fullFrom, s.watts.length - 180)), seriesColor(0));
    }
  }

  /**
   * The name shown: containers without Kubernetes have no name, so their short id stands in.
   * @param {WorkloadView} w
   */
  function displayName(w) {
    return w.name || (w.level === 'container' ? w.id.slice(0, 12) : w.id);
  }

  /** @param {WorkloadLevel} level */
  function noneText(level) {
    if (level === 'pod') return 'No pods: pods come from Kubernetes (--kube.enable). Containers and processes are shown without it.';
    if (level === 'vm') return 'No virtual machines (qemu/kvm) run on this node.';
    if (level === 'container') return 'No containers run on this node.';
    return 'No processes.';
  }

  /** @param {WorkloadView} w */
  function row(w) {
    const ns = whereText(w);
    const name = displayName(w);
    const open = () => select(w.id);
    return h(
      'tr',
      {
        tabindex: 0,
        'data-id': w.id,
        'aria-selected': selected === w.id ? 'true' : 'false',
        'aria-label': `${name}, ${watts(w.watts)} now, ${joules(w.joulesTotal)} since start`,
        onclick: open,
        /** @param {KeyboardEvent} e */
        onkeydown: (e) => {
          const tr = /** @type {HTMLTableRowElement} */ (e.currentTarget);
          /** @param {Element | null} next */
          const focus = (next) => {
            if (next instanceof HTMLElement) next.focus();
          };
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            open();
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            focus(tr.nextElementSibling);
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            focus(tr.previousElementSibling);
          }
        },
      },
      h('td', { class: 'wl-name', title: w.id }, name, w.state === 'terminated' ? h('span', { class: 'muted' }, ' (ended)') : null),
      h('td', {}, ns),
      h('td', { class: 'num wl-watts' }, watts(w.watts)),
      h('td', { class: 'num wl-opt' }, joules(w.joulesTotal)),
      h('td', { class: 'num wl-opt' }, seconds(w.cpuSecondsTotal)),
      h(
        'td',
        { class: 'wl-opt' },
        live
          ? h('canvas', { class: 'spark', width: 120, height: 24, style: 'width:120px;height:24px', 'data-id': w.id, 'aria-hidden': 'true' })
          : h('span', { class: 'muted' }, '–'),
      ),
    );
  }

  /** @param {number} ms */
  function timeOfDay(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  /** @param {string} id */
  function select(id) {
    selected = id;
    for (const tr of tbody.rows) tr.setAttribute('aria-selected', tr.dataset.id === id ? 'true' : 'false');
    showDetail();
  }

  function showDetail() {
    const w = data?.items.find((x) => x.id === selected);
    if (!w) return;
    detailChart?.destroy();
    detailChart = null;
    const zones = Object.entries(w.zones ?? {});
    const chartEl = h('div', { class: 'chart', id: 'chart-workload', role: 'img', 'aria-label': `Power history of ${displayName(w)}` });
    const s = seriesOf(w.id);
    replace(
      detailEl,
      h('h2', {}, displayName(w)),
      h(
        'dl',
        {},
        h('dt', {}, 'Level'),
        h('dd', {}, w.level),
        h('dt', {}, 'Id'),
        h('dd', {}, w.id),
        w.namespace ? [h('dt', {}, 'Namespace'), h('dd', {}, w.namespace)] : null,
        w.podName ? [h('dt', {}, 'Pod'), h('dd', {}, w.podName)] : null,
        w.containerId && w.level !== 'container' ? [h('dt', {}, 'Container'), h('dd', {}, w.containerId)] : null,
        w.runtime ? [h('dt', {}, 'Runtime'), h('dd', {}, w.runtime)] : null,
        w.pid !== undefined ? [h('dt', {}, 'PID'), h('dd', {}, String(w.pid))] : null,
        w.exe ? [h('dt', {}, 'Executable'), h('dd', {}, w.exe)] : null,
        w.cmdline ? [h('dt', {}, 'Command line'), h('dd', {}, w.cmdline)] : null,
        h('dt', {}, 'Now'),
        h('dd', {}, watts(w.watts)),
        h('dt', {}, 'Since start'),
        h('dd', {}, `${joules(w.joulesTotal)} (${(w.joulesTotal / 3600).toFixed(3)} Wh)`),
        h('dt', {}, 'CPU time'),
        h('dd', {}, seconds(w.cpuSecondsTotal)),
        w.gpuWatts !== undefined ? [h('dt', {}, 'GPU'), h('dd', {}, watts(w.gpuWatts))] : null,
        ...zones.map(([z, v]) => [h('dt', {}, `zone ${z}`), h('dd', {}, `${watts(v.watts)} · ${joules(v.joulesTotal)}`)]),
      ),
      live && s && history
        ? [
            chartEl,
            h(
              'p',
              { class: 'muted', id: 'workload-resolution' },
              resolutionText(history.segments, history.timestamps, timeOfDay),
              s.partial.length
                ? '. Dots: minutes when it was outside the top at some refreshes (the average is of the refreshes where it was in).'
                : '.',
              history.gaps.length ? ' Breaks: time without a recorded refresh.' : '',
            ),
          ]
        : h(
            'p',
            { class: 'muted' },
            live ? `No history yet: only the top ${info.topPerLevel} of each level are recorded for charts.` : 'This server keeps no history.',
          ),
    );
    if (live && s && history) {
      const cols = chartColumns(history.timestamps, [s.watts], history.gaps, [s.partial]);
      detailChart = lineChart(chartEl, [{ label: 'W', points: { show: true, size: 6, filter: cols.partial[0] } }], { yLabel: 'W', height: 200 });
      detailChart.setData([cols.x, ...cols.columns]);
    }
  }

  async function refresh() {
    const level = /** @type {WorkloadLevel} */ (levelEl.value);
    if (loading) return loading;
    loading = (async () => {
      try {
        const [wl, hist] = await Promise.all([
          getJson(`/api/v1/workloads?level=${encodeURIComponent(level)}&top=${TOP}`),
          live ? getJson(`/api/v1/history/workloads?level=${encodeURIComponent(level)}`).catch(() => null) : Promise.resolve(null),
        ]);
        if (level !== levelEl.value) return;
        data = wl;
        history = hist;
        render();
        if (selected) showDetail();
      } catch (caught) {
        const err = asApiError(caught);
        data = null;
        replace(tbody);
        const empty = byId('workload-empty');
        empty.hidden = false;
        empty.textContent = err.status === 404 ? 'This server runs no agent: no workloads.' : `Could not load workloads: ${err.message}`;
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  return { refresh };
}
