/**
 * @module models/trainers/knn
 * k-nearest-neighbours regression (sklearn's KNeighborsRegressor with uniform weights): the prediction
 * is the mean target of the `k` (default 6) training rows nearest in Euclidean distance over scaled
 * features (`scaler`: `maxabs` default, `standard`, `none`). Option `weights: 'distance'` weights
 * neighbours by 1/distance instead; `aggregate: 'median'` predicts the neighbours' median (per component),
 * which estimates the conditional median and so minimises MAE when the same inputs map to widely spread
 * power. The model stores its (scaled) training rows.
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import { BaseModel, checkEnvelope, enumOption, matrix, numberOption, outputTypeOption, type ModelHeader } from '../model-base.js';
import { checkScaler, fitScaler, scaleRow, scaleRows, type Scaler } from '../scaler.js';
import { validateDataset } from '../dataset.js';
import { ERR_MODEL_BAD_MODEL } from '../errors.js';

/** Parameters of a k-nearest-neighbours model. */
export interface KnnParams {
  k: number;
  weights: 'uniform' | 'distance';
  /** How the neighbours' targets are combined (default mean). */
  aggregate?: 'mean' | 'median';
  scaler: Scaler;
  /** Training rows, scaled. */
  points: number[][];
  /** Training targets, rows × components. */
  targets: number[][];
}

/** A fitted k-nearest-neighbours model. */
export class KnnModel extends BaseModel {
  readonly kind = 'knn';
  private readonly flat: Float64Array;
  /** Row indices sorted by the first scaled feature, and that feature's sorted values. */
  private readonly order: Int32Array;
  private readonly first: Float64Array;
  constructor(
    h: ModelHeader,
    readonly p: KnnParams,
  ) {
    super(h);
    const d = h.features.length;
    this.flat = new Float64Array(p.points.length * d);
    p.points.forEach((r, i) => this.flat.set(r, i * d));
    this.order = Int32Array.from(p.points.map((_, i) => i).sort((a, b) => p.points[a][0] - p.points[b][0] || a - b));
    this.first = Float64Array.from(this.order, (i) => p.points[i][0]);
  }
  protected predictRow(x: readonly number[]): number[] {
    const q = scaleRow(this.p.scaler, x);
    const d = q.length;
    const n = this.p.points.length;
    const k = Math.min(this.p.k, n);
    // Keep the k smallest distances in a small sorted buffer (k is small).
    const bestD = new Float64Array(k).fill(Infinity);
    const bestI = new Int32Array(k).fill(-1);
    const consider = (i: number) => {
      let dist = 0;
      const off = i * d;
      for (let j = 0; j < d; j++) {
        const t = this.flat[off + j] - q[j];
        dist += t * t;
      }
      if (dist >= bestD[k - 1]) return;
      let pos = k - 1;
      while (pos > 0 && bestD[pos - 1] > dist) {
        bestD[pos] = bestD[pos - 1];
        bestI[pos] = bestI[pos - 1];
        pos--;
      }
      bestD[pos] = dist;
      bestI[pos] = i;
    };
    // Exact search outward from the query's place in the first feature's order: a row whose first
    // coordinate alone is farther than the k-th best distance cannot be nearer, nor can any beyond it.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.first[mid] < q[0]) lo = mid + 1;
      else hi = mid;
    }
    let left = lo - 1;
    let right = lo;
    while (left >= 0 || right < n) {
      const dl = left >= 0 ? (q[0] - this.first[left]) ** 2 : Infinity;
      const dr = right < n ? (this.first[right] - q[0]) ** 2 : Infinity;
      if (Math.min(dl, dr) > bestD[k - 1]) break;
      if (dl <= dr) consider(this.order[left--]);
      else consider(this.order[right++]);
    }
    const nc = this.components.length;
    if (this.p.aggregate === 'median') {
      return Array.from({ length: nc }, (_, c) => {
        const v = Array.from(bestI, (i) => this.p.targets[i][c]).sort((a, b) => a - b);
        const m = k >> 1;
        return k % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
      });
    }
    const out = new Array<number>(nc).fill(0);
    if (this.p.weights === 'distance' && bestD[0] === 0) {
      // Exact matches take all the weight (as sklearn does).
      let cnt = 0;
      for (let a = 0; a < k && bestD[a] === 0; a++, cnt++) for (let c = 0; c < nc; c++) out[c] += this.p.targets[bestI[a]][c];
      return out.map((v) => v / cnt);
    }
    let wsum = 0;
    for (let a = 0; a < k; a++) {
      const w = this.p.weights === 'distance' ? 1 / Math.sqrt(bestD[a]) : 1;
      wsum += w;
      for (let c = 0; c < nc; c++) out[c] += w * this.p.targets[bestI[a]][c];
    }
    return out.map((v) => v / wsum);
  }
  protected params(): KnnParams {
    return this.p;
  }
}

/** Trains (memorises) a k-nearest-neighbours model. */
export const knnTrainer: Trainer = {
  name: 'knn',
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
    validateDataset(data, 1);
    const k = numberOption(options, 'k', 6, 1, 1000, true);
    const weights = enumOption(options, 'weights', ['uniform', 'distance'], 'uniform');
    const aggregate = enumOption(options, 'aggregate', ['mean', 'median'], 'mean');
    const scaler = fitScaler(enumOption(options, 'scaler', ['maxabs', 'standard', 'none'], 'maxabs'), data.X, data.features.length);
    return new KnnModel(
      { features: data.features, components: data.components, outputType: outputTypeOption(options) },
      { k, weights, aggregate, scaler, points: scaleRows(scaler, data.X), targets: data.Y.map((r) => [...r]) },
    );
  },
};

/** Rebuilds a k-nearest-neighbours model from its serialized form. @throws PP_MODEL_BAD_MODEL */
export function knnFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'knn');
  const nf = header.features.length;
  const k = params.k;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1)
    throw ERR_MODEL_BAD_MODEL('knn model: k must be a positive integer', { field: 'params.k' });
  if (params.weights !== 'uniform' && params.weights !== 'distance')
    throw ERR_MODEL_BAD_MODEL('knn model: weights must be uniform or distance', { field: 'params.weights' });
  const aggregate = params.aggregate ?? 'mean';
  if (aggregate !== 'mean' && aggregate !== 'median')
    throw ERR_MODEL_BAD_MODEL('knn model: aggregate must be mean or median', { field: 'params.aggregate' });
  const points = matrix(params.points, undefined, nf, 'params.points');
  if (points.length === 0) throw ERR_MODEL_BAD_MODEL('knn model: no training points', { field: 'params.points' });
  return new KnnModel(header, {
    k,
    weights: params.weights,
    aggregate,
    scaler: checkScaler(params.scaler, nf),
    points,
    targets: matrix(params.targets, points.length, header.components.length, 'params.targets'),
  });
}

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { knnTrainer as trainer, knnFromJSON as fromJSON };
