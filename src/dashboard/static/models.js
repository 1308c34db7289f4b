// @ts-check
// Models: the model server's models with their accuracy, and each model's measured-vs-predicted
// plot (the SVG the model server stores with a trained model, `GET /api/v1/models/{id}/plot`).
import { byId, h, replace } from './dom.js';
import { asApiError, getJson } from './api.js';

/**
 * A model of `GET /api/v1/models` as this page reads it.
 * @typedef {object} ModelSummary
 * @property {string} id `pipeline/source/type/group/name`
 * @property {string} name
 * @property {string} [version]
 * @property {string} [created]
 * @property {string} [kind]
 * @property {string} [trainer]
 * @property {string} [output_type]
 * @property {string} [energy_source]
 * @property {string[]} [features]
 * @property {{ mae?: number, mape?: number, r2?: number, samples?: number, folds?: number }} [accuracy]
 */

/**
 * @param {number | undefined} x
 * @returns {x is number}
 */
function finite(x) {
  return typeof x === 'number' && Number.isFinite(x);
}

/**
 * Accuracy of a model summary (`accuracy: {mae, mape, r2, samples, folds}`; MAPE in percent).
 * @param {ModelSummary} m
 * @returns {string}
 */
export function accuracyText(m) {
  const a = m.accuracy;
  if (!a) return 'not recorded (imported model)';
  const parts = [];
  if (finite(a.mae)) parts.push(`MAE ${a.mae.toFixed(2)} W`);
  if (finite(a.mape)) parts.push(`MAPE ${a.mape.toFixed(2)} %`);
  if (finite(a.r2)) parts.push(`R² ${a.r2.toFixed(3)}`);
  if (Number.isFinite(a.samples)) parts.push(`${a.samples} held-out samples${Number.isFinite(a.folds) ? `, ${a.folds} folds` : ''}`);
  return parts.join(' · ') || 'not recorded';
}

/**
 * The best model of each training run: a run is the models of one store group (the id without its
 * last segment) saved at one `created` time; the best has the lowest MAE (then MAPE), as `train` picks.
 * Models without accuracy (imported) belong to no run. Returns a Set of ids.
 * @param {ModelSummary[]} models
 * @returns {Set<string>}
 */
export function bestOfRuns(models) {
  /** @type {Map<string, { id: string, mae: number, mape: number }>} */
  const best = new Map();
  for (const m of models) {
    const mae = m.accuracy?.mae;
    if (!finite(mae)) continue;
    const mape = m.accuracy?.mape ?? NaN;
    const run = `${m.id.split('/').slice(0, -1).join('/')}@${m.created ?? ''}`;
    const b = best.get(run);
    if (!b || mae < b.mae || (mae === b.mae && mape < b.mape)) best.set(run, { id: m.id, mae, mape });
  }
  return new Set([...best.values()].map((m) => m.id));
}

/**
 * Whether the agent's model meter (`chosenMeter.model`, `server:<id>` for a model-server model) uses model `m`.
 * @param {ModelSummary} m
 * @param {import('../../core/contracts.js').MeterInfo | undefined} meter
 * @returns {boolean}
 */
export function inUse(m, meter) {
  return Boolean(meter?.estimated && meter.model === `server:${m.id}`);
}

/**
 * Why a model has no plot: only the best model of a training run stores one; imported models have none.
 * @param {ModelSummary} m
 * @param {boolean} isBest
 * @returns {string}
 */
export function noPlotText(m, isBest) {
  if (!m.accuracy) return 'No measured-vs-predicted plot: this model was imported, and imported models have none.';
  if (!isBest) return 'No measured-vs-predicted plot: training stores one only with the best model of its run.';
  return 'No measured-vs-predicted plot stored for this model.';
}

/**
 * The URL path of a model sub-resource; ids are `pipeline/source/type/group/name`.
 * @param {string} id
 * @param {string} [sub]
 */
function modelPath(id, sub) {
  return `/api/v1/models/${id.split('/').map(encodeURIComponent).join('/')}${sub ? `/${sub}` : ''}`;
}

/** Creates the models view. */
export function createModels() {
  const list = byId('models-list');

  async function show() {
    /** @type {{ models?: ModelSummary[], total?: number }} */
    let res;
    try {
      res = await getJson('/api/v1/models');
    } catch (caught) {
      const err = asApiError(caught);
      replace(list, h('p', { class: 'muted' }, err.status === 404 ? 'This server runs no model server.' : `Could not list models: ${err.message}`));
      return;
    }
    const models = res.models ?? [];
    if (models.length === 0) {
      replace(
        list,
        h(
          'p',
          { class: 'muted' },
          'No models yet. Train one with `powerplane train` or POST /api/v1/train; models appear here with their accuracy and a measured-vs-predicted plot.',
        ),
      );
      return;
    }
    /** @type {import('../../core/contracts.js').MeterInfo | undefined} */
    const meter = await getJson('/api/v1/capabilities').then(
      (c) => c.chosenMeter,
      () => undefined,
    );
    const best = bestOfRuns(models);
    replace(
      list,
      h('p', { class: 'muted' }, `${res.total ?? models.length} model${models.length === 1 ? '' : 's'} in the store.`),
      models.map((m) => {
        const isBest = best.has(m.id);
        const used = inUse(m, meter);
        const plot = h('img', {
          class: 'plot',
          src: modelPath(m.id, 'plot'),
          alt: `Measured versus predicted power of ${m.name}`,
          loading: 'lazy',
          width: 480,
          height: 320,
        });
        const note = h('p', { class: 'muted', hidden: true }, noPlotText(m, isBest));
        plot.addEventListener('error', () => {
          plot.remove();
          note.hidden = false;
        });
        return h(
          'section',
          { class: 'card model', 'aria-label': `Model ${m.name}`, 'data-id': m.id },
          h(
            'h2',
            {},
            m.name,
            h('span', { class: 'muted' }, ` v${m.version ?? '?'}`),
            isBest ? h('span', { class: 'badge best' }, 'best of its run') : null,
            used ? h('span', { class: 'badge in-use' }, "in use by this node's model meter") : null,
          ),
          h('p', { class: 'muted' }, m.id),
          h('p', {}, [m.kind ?? m.trainer, m.output_type, m.energy_source, `features: ${(m.features ?? []).join(', ')}`].filter(Boolean).join(' · ')),
          h('p', {}, 'Accuracy: ', h('strong', {}, accuracyText(m))),
          plot,
          note,
        );
      }),
    );
  }

  return { show };
}
