// Models: the model server's models with their accuracy, and a measured-vs-predicted plot for each
// model whose detail carries such points.
import { h, replace } from './dom.js';
import { lineChart, pointsOnly } from './charts.js';
import { getJson } from './api.js';

/** Pairs of [measured, predicted] in a model's detail, for the shapes a model server may use. */
export function measuredVsPredicted(detail) {
  const src = detail.measuredVsPredicted ?? detail.testPoints ?? detail.predictions ?? detail.evaluation?.points ?? detail.accuracy?.points;
  if (!Array.isArray(src)) return [];
  return src
    .map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p.measured ?? p.actual ?? p.y, p.predicted ?? p.prediction ?? p.yhat]))
    .filter(([m, q]) => Number.isFinite(m) && Number.isFinite(q));
}

/** Accuracy figures of a model: Kepler's flat keys (`mae`, `mape`, `r2`) or the report's aggregate. */
export function accuracyText(m) {
  const src = m.mae !== undefined || m.mape !== undefined ? m : m.accuracy?.aggregate ?? m.metadata?.accuracy?.aggregate ?? m.metadata ?? {};
  const parts = [];
  if (Number.isFinite(src.mae)) parts.push(`MAE ${src.mae.toFixed(2)} W`);
  if (Number.isFinite(src.mape)) parts.push(`MAPE ${src.mape.toFixed(2)} %`);
  if (Number.isFinite(src.r2)) parts.push(`R² ${src.r2.toFixed(3)}`);
  const n = m.test_samples ?? m.metadata?.test_samples;
  if (parts.length && Number.isFinite(n)) parts.push(`on ${n} held-out samples`);
  return parts.join(' · ') || 'not recorded';
}

/** Creates the models view. */
export function createModels() {
  const list = document.getElementById('models-list');
  const charts = [];

  async function show() {
    let res;
    try {
      res = await getJson('/api/v1/models');
    } catch (err) {
      replace(list, h('p', { class: 'muted' }, err.status === 404 ? 'This server runs no model server.' : `Could not list models: ${err.message}`));
      return;
    }
    const models = Array.isArray(res) ? res : res.models ?? res.items ?? [];
    for (const c of charts.splice(0)) c.destroy();
    if (models.length === 0) {
      replace(list, h('p', { class: 'muted' }, 'No models yet. Train one with `powerplane train` or POST /api/v1/train.'));
      return;
    }
    const sections = models.map((m) => {
      const id = m.id ?? m.model_name ?? m.name;
      const plot = h('div', { class: 'chart', role: 'img', 'aria-label': `Measured versus predicted power of model ${id}` });
      const note = h('p', { class: 'muted' }, 'Loading…');
      const sec = h('section', { class: 'card model', 'aria-label': `Model ${id}` },
        h('h2', {}, id),
        h('p', {}, [m.trainer ?? m.kind, m.output_type, m.feature_group, m.energy_source, m.pipeline].filter(Boolean).join(' · ')),
        h('p', {}, 'Accuracy: ', h('strong', {}, accuracyText(m))),
        note, plot);
      getJson(`/api/v1/models/${encodeURIComponent(id)}`).then((detail) => {
        const pts = measuredVsPredicted(detail).sort((a, b) => a[0] - b[0]);
        if (pts.length === 0) {
          note.textContent = `Accuracy ${accuracyText(detail)}; the model server publishes no measured-vs-predicted points for this model.`;
          plot.remove();
          return;
        }
        note.textContent = `${pts.length} test points; the dashed line is perfect prediction.`;
        const c = lineChart(plot, [{ label: 'predicted W', ...pointsOnly }, { label: 'measured = predicted', dash: [5, 4] }], { time: false, xLabel: 'measured W', yLabel: 'predicted W', height: 260 });
        c.setData([pts.map((p) => p[0]), pts.map((p) => p[1]), pts.map((p) => p[0])]);
        charts.push(c);
      }, (err) => {
        note.textContent = `Could not load the model: ${err.message}`;
        plot.remove();
      });
      return sec;
    });
    replace(list, sections);
  }

  return { show };
}
