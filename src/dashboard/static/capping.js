// @ts-check
// Capping: per PowerCapPolicy of the cluster, budget vs current power (now, and as a chart of what this
// page has read since it opened), each target's recommendation with its reason, and the last actions.
// Everything comes from the policies' status (`GET /api/v1/capping`); nothing is measured here.
import { byId, h, replace } from './dom.js';
import { asApiError, getJson } from './api.js';
import { lineChart } from './charts.js';
import { watts } from './format.js';
import { budgetLine, meterFractions, recommendationText } from './capping-logic.js';

/** How often the tab re-reads the policies while it is shown (ms). */
const REFRESH_MS = 10_000;
/** Points kept per policy for the chart (an hour at the refresh rate). */
const MAX_POINTS = 360;

/**
 * @param {import('./capping-logic.js').PolicySummary} p
 * @returns {HTMLElement}
 */
function meter(p) {
  const f = meterFractions(p);
  const text = budgetLine(p);
  if (!f) return h('p', { class: 'cap-line' }, text);
  const over = (p.currentWatts ?? 0) > (p.budgetWatts ?? 0);
  return h(
    'div',
    { class: 'cap-meter-wrap' },
    h('p', { class: 'cap-line' }, text),
    h(
      'div',
      {
        class: 'cap-meter',
        role: 'meter',
        'aria-label': `current power of ${p.namespace}/${p.name} against its budget`,
        'aria-valuemin': '0',
        'aria-valuemax': String(p.budgetWatts),
        'aria-valuenow': String(p.currentWatts),
        'aria-valuetext': text,
      },
      h('div', { class: `cap-fill${over ? ' over' : ''}`, style: `width: ${(100 * f.current).toFixed(1)}%` }),
      h('div', { class: 'cap-budget', style: `left: ${(100 * f.budget).toFixed(1)}%`, title: `budget ${watts(p.budgetWatts)}` }),
    ),
  );
}

/**
 * @param {import('./capping-logic.js').PolicySummary} p
 * @returns {HTMLElement}
 */
function targetsTable(p) {
  if (p.targets.length === 0) return h('p', { class: 'muted' }, 'No targets in the status yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cap-targets', 'aria-label': `Recommendations of ${p.namespace}/${p.name}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Target'),
          h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col', class: 'num' }, 'Replicas'),
          h('th', { scope: 'col', class: 'num' }, 'Max now'),
          h('th', { scope: 'col' }, 'Recommendation'),
          h('th', { scope: 'col', class: 'num' }, 'W'),
          h('th', { scope: 'col' }, 'Reason'),
        ),
      ),
      h(
        'tbody',
        {},
        p.targets.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, `${t.kind}/${t.name}`),
            h('td', {}, t.state),
            h('td', { class: 'num' }, t.replicas ?? '–'),
            h('td', { class: 'num' }, t.maxReplicas ?? '–'),
            h('td', { class: 'cap-rec' }, recommendationText(t)),
            h('td', { class: 'num' }, watts(t.watts)),
            h('td', { class: 'cap-reason' }, t.reason),
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {import('./capping-logic.js').PolicySummary} p
 * @returns {HTMLElement}
 */
function actionsTable(p) {
  if (p.lastActions.length === 0) return h('p', { class: 'muted' }, 'No actions yet.');
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cap-actions', 'aria-label': `Recent actions of ${p.namespace}/${p.name}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Time'),
          h('th', { scope: 'col' }, 'Action'),
          h('th', { scope: 'col' }, 'Target'),
          h('th', { scope: 'col' }, 'Change'),
          h('th', { scope: 'col' }, 'Why'),
        ),
      ),
      h(
        'tbody',
        {},
        [...p.lastActions]
          .reverse()
          .map((a) =>
            h(
              'tr',
              {},
              h('td', {}, new Date(a.time).toLocaleString()),
              h('td', {}, a.action, a.dryRun ? h('span', { class: 'muted' }, ' (dry run)') : null),
              h('td', {}, a.target),
              h('td', {}, a.change),
              h('td', { class: 'cap-reason' }, a.reason),
            ),
          ),
      ),
    ),
  );
}

/**
 * @param {import('./capping-logic.js').PolicySummary} p
 * @returns {string}
 */
function conditionsText(p) {
  const on = Object.entries(p.conditions)
    .filter(([, c]) => c.status === 'True')
    .map(([type, c]) => `${type} (${c.reason})`);
  return on.length > 0 ? `Conditions: ${on.join(', ')}` : 'No condition is true.';
}

/** Creates the Capping view. */
export function createCapping() {
  const el = byId('capping');
  /** @type {Map<string, { t: number[], budget: Array<number | null>, current: Array<number | null>, forecast: Array<number | null> }>} */
  const series = new Map();
  /** @type {Map<string, { fig: HTMLElement, box: HTMLElement, note: HTMLElement, chart: ReturnType<typeof lineChart> | null }>} */
  const charts = new Map();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;

  /** @param {import('./capping-logic.js').CappingView} v */
  function record(v) {
    const t = Date.parse(v.readAt) / 1000;
    for (const p of v.policies) {
      const key = `${p.namespace}/${p.name}`;
      const s = series.get(key) ?? { t: [], budget: [], current: [], forecast: [] };
      series.set(key, s);
      if (s.t.length > 0 && s.t[s.t.length - 1] >= t) continue;
      s.t.push(t);
      s.budget.push(p.budgetWatts ?? null);
      s.current.push(p.currentWatts ?? null);
      s.forecast.push(p.forecastWatts ?? null);
      if (s.t.length > MAX_POINTS) for (const a of [s.t, s.budget, s.current, s.forecast]) a.shift();
    }
  }

  /**
   * The chart of one policy, kept across refreshes (its points are what this page has read); until the
   * second reading there is no line to draw, and the figure says when it comes.
   * @param {string} key
   * @returns {HTMLElement}
   */
  function chartOf(key) {
    const s = series.get(key);
    let c = charts.get(key);
    if (!c) {
      const box = h('div', {
        class: 'chart cap-chart',
        role: 'img',
        'aria-label': `Line chart of the budget, current and forecast power of ${key} since this page opened`,
      });
      const note = h(
        'p',
        { class: 'muted cap-chart-note' },
        `The chart starts at the next reading (every ${REFRESH_MS / 1000} s while this tab is open).`,
      );
      c = {
        fig: h('figure', {}, h('figcaption', {}, 'Budget, current and forecast power since this page opened (W)'), note, box),
        box,
        note,
        chart: null,
      };
      charts.set(key, c);
    }
    if (s && s.t.length >= 2) {
      c.note.hidden = true;
      c.chart ??= lineChart(c.box, [{ label: 'budget', dash: [6, 3] }, { label: 'current' }, { label: 'forecast', dash: [2, 3] }], {
        yLabel: 'W',
        yFromZero: true,
        height: 200,
      });
      c.chart.setData([s.t, s.budget, s.current, s.forecast]);
    }
    return c.fig;
  }

  /** @param {import('./capping-logic.js').CappingView} v */
  function render(v) {
    if (!v.cluster) {
      replace(el, h('p', { id: 'capping-none', class: 'muted' }, v.reason ?? 'No cluster.'));
      return;
    }
    if (v.policies.length === 0) {
      replace(
        el,
        h('p', { id: 'capping-none', class: 'muted' }, `No PowerCapPolicies on the cluster (read ${new Date(v.readAt).toLocaleTimeString()}).`),
      );
      return;
    }
    replace(
      el,
      h(
        'p',
        { class: 'muted' },
        `${v.policies.length} polic${v.policies.length === 1 ? 'y' : 'ies'}, from their status as the operator wrote it (read ${new Date(v.readAt).toLocaleTimeString()}).`,
      ),
      v.policies.map((p) => {
        const key = `${p.namespace}/${p.name}`;
        return h(
          'section',
          { class: 'cap-policy', 'aria-label': `PowerCapPolicy ${key}`, 'data-policy': key },
          h('h2', {}, key, ' ', h('span', { class: 'badge' }, p.mode), p.overBudget ? h('span', { class: 'badge over' }, 'over budget') : null),
          meter(p),
          h(
            'p',
            { class: 'muted cap-conditions' },
            conditionsText(p),
            p.lastEvaluation ? ` Last evaluated ${new Date(p.lastEvaluation).toLocaleString()}.` : '',
          ),
          chartOf(key),
          h('h3', {}, 'Recommendations'),
          targetsTable(p),
          h('h3', {}, 'Recent actions'),
          actionsTable(p),
        );
      }),
    );
  }

  async function refresh() {
    /** @type {import('./capping-logic.js').CappingView} */
    let v;
    try {
      v = await getJson('/api/v1/capping');
    } catch (caught) {
      replace(el, h('p', { class: 'error', role: 'alert' }, `Could not read the PowerCapPolicies: ${asApiError(caught).message}`));
      return;
    }
    record(v);
    render(v);
  }

  function show() {
    refresh();
    timer ??= setInterval(() => {
      if (!el.closest('[hidden]')) refresh();
    }, REFRESH_MS);
  }

  return { show };
}
