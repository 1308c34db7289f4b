/**
 * @module models/trainers/gbt
 * Gradient-boosted regression trees with squared loss, like sklearn's GradientBoostingRegressor:
 * the prediction starts at the target mean, and each of `nEstimators` trees (default 100) of depth
 * `maxDepth` (default 3) is fitted to the residuals and added with `learningRate` (default 0.1).
 * Options: `minSamplesLeaf` (default 1), `subsample` (row fraction per tree, default 1), `seed`, and
 * `loss`: `squared` (default) or `absolute` (least absolute deviation, as sklearn's `absolute_error`:
 * start at the median, fit each tree to the sign of the residuals, set each leaf to the median residual
 * of its rows). Absolute loss estimates the conditional median, which minimises MAE when the same
 * features map to widely spread power.
 *
 * Split search is sort-based: every feature is sorted once; each tree level then sweeps each feature's
 * presorted order once, accumulating left sums per open node, so a level costs O(features × rows).
 * The split gain is the squared-error reduction `S_L²/n_L + S_R²/n_R − S²/n`; thresholds are midpoints.
 * Each component gets its own ensemble.
 */
import type { Dataset, SerializedModel, TrainedModel, Trainer } from '../types.js';
import { BaseModel, checkEnvelope, enumOption, numberOption, numbers, outputTypeOption, type ModelHeader } from '../model-base.js';
import { validateDataset, column } from '../dataset.js';
import { seededRandom } from '../../core/random.js';
import { ERR_MODEL_BAD_MODEL } from '../errors.js';

/** One tree as flat arrays; node 0 is the root; a leaf has feature −1. */
export interface FlatTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** One component's ensemble. */
export interface Ensemble {
  init: number;
  trees: FlatTree[];
}

/** Parameters of a gradient-boosted model. */
export interface GbtParams {
  learningRate: number;
  maxDepth: number;
  /** One ensemble per component. */
  ensembles: Ensemble[];
}

function predictTree(t: FlatTree, x: readonly number[]): number {
  let n = 0;
  while (t.feature[n] >= 0) n = x[t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
  return t.value[n];
}

/** A fitted gradient-boosted tree ensemble per component. */
export class GbtModel extends BaseModel {
  readonly kind = 'gbt';
  constructor(
    h: ModelHeader,
    readonly p: GbtParams,
  ) {
    super(h);
  }
  protected predictRow(x: readonly number[]): number[] {
    return this.p.ensembles.map((e) => {
      let s = 0;
      for (const t of e.trees) s += predictTree(t, x);
      return e.init + this.p.learningRate * s;
    });
  }
  protected params(): GbtParams {
    return this.p;
  }
}

interface TreeOptions {
  maxDepth: number;
  minSamplesLeaf: number;
}

/**
 * Fits one regression tree to the residuals `r` over the rows with `inSample[i]`, using the presorted
 * feature orders `order[j]` (all row indices sorted by feature j).
 */
function fitTree(X: readonly (readonly number[])[], r: Float64Array, order: Int32Array[], inSample: Uint8Array, opts: TreeOptions): FlatTree {
  const n = X.length;
  const p = order.length;
  const maxNodes = 2 ** (opts.maxDepth + 1);
  const tree: FlatTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const nodeSum = new Float64Array(maxNodes);
  const nodeCnt = new Float64Array(maxNodes);
  const slotOf = new Int32Array(maxNodes).fill(-1);
  const addNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    return tree.feature.length - 1;
  };
  // nodeOf[i]: the open node row i sits in, or −1 (not sampled, or in a finished leaf).
  const nodeOf = new Int32Array(n).fill(-1);
  const root = addNode();
  for (let i = 0; i < n; i++)
    if (inSample[i]) {
      nodeOf[i] = root;
      nodeSum[root] += r[i];
      nodeCnt[root]++;
    }
  tree.value[root] = nodeCnt[root] ? nodeSum[root] / nodeCnt[root] : 0;
  let open = nodeCnt[root] >= 2 * opts.minSamplesLeaf ? [root] : [];
  for (let depth = 0; depth < opts.maxDepth && open.length > 0; depth++) {
    const m = open.length;
    open.forEach((node, s) => (slotOf[node] = s));
    const bestGain = new Float64Array(m).fill(1e-12);
    const bestFeat = new Int32Array(m).fill(-1);
    const bestThr = new Float64Array(m);
    const totS = Float64Array.from(open, (nd) => nodeSum[nd]);
    const totN = Float64Array.from(open, (nd) => nodeCnt[nd]);
    const base = Float64Array.from(open, (_, s) => (totS[s] * totS[s]) / totN[s]);
    const lS = new Float64Array(m);
    const lN = new Float64Array(m);
    const lastV = new Float64Array(m);
    for (let j = 0; j < p; j++) {
      lS.fill(0);
      lN.fill(0);
      const ord = order[j];
      for (let q = 0; q < n; q++) {
        const i = ord[q];
        const node = nodeOf[i];
        if (node < 0) continue;
        const s = slotOf[node];
        const v = X[i][j];
        // A candidate split lies between the previous row of this node (value lastV) and this one.
        if (v > lastV[s] && lN[s] >= opts.minSamplesLeaf && totN[s] - lN[s] >= opts.minSamplesLeaf) {
          const rS = totS[s] - lS[s];
          const gain = (lS[s] * lS[s]) / lN[s] + (rS * rS) / (totN[s] - lN[s]) - base[s];
          if (gain > bestGain[s]) {
            bestGain[s] = gain;
            bestFeat[s] = j;
            bestThr[s] = (lastV[s] + v) / 2;
          }
        }
        lS[s] += r[i];
        lN[s] += 1;
        lastV[s] = v;
      }
    }
    const next: number[] = [];
    open.forEach((node, s) => {
      slotOf[node] = -1;
      if (bestFeat[s] < 0) return;
      const L = addNode();
      const R = addNode();
      tree.feature[node] = bestFeat[s];
      tree.threshold[node] = bestThr[s];
      tree.left[node] = L;
      tree.right[node] = R;
      next.push(L, R);
    });
    for (let i = 0; i < n; i++) {
      const node = nodeOf[i];
      if (node < 0) continue;
      if (tree.feature[node] < 0) {
        nodeOf[i] = -1;
        continue;
      }
      const c = X[i][tree.feature[node]] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
      nodeOf[i] = c;
      nodeSum[c] += r[i];
      nodeCnt[c]++;
    }
    for (const c of next) tree.value[c] = nodeCnt[c] > 0 ? nodeSum[c] / nodeCnt[c] : 0;
    open = next.filter((c) => nodeCnt[c] >= 2 * opts.minSamplesLeaf);
    const finished = new Set(next.filter((c) => nodeCnt[c] < 2 * opts.minSamplesLeaf));
    if (finished.size) for (let i = 0; i < n; i++) if (finished.has(nodeOf[i])) nodeOf[i] = -1;
  }
  return tree;
}

/** The leaf a row ends in. */
function leafOf(t: FlatTree, x: readonly number[]): number {
  let n = 0;
  while (t.feature[n] >= 0) n = x[t.feature[n]] <= t.threshold[n] ? t.left[n] : t.right[n];
  return n;
}

/** Median of a non-empty list (sorts it). */
function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/** Sets each leaf to the median residual of its in-sample rows (absolute-loss line search). */
function medianLeaves(t: FlatTree, X: readonly (readonly number[])[], r: Float64Array, inSample: Uint8Array): void {
  const byLeaf = new Map<number, number[]>();
  for (let i = 0; i < X.length; i++) {
    if (!inSample[i]) continue;
    const leaf = leafOf(t, X[i]);
    (byLeaf.get(leaf) ?? byLeaf.set(leaf, []).get(leaf)!).push(r[i]);
  }
  for (const [leaf, rs] of byLeaf) t.value[leaf] = median(rs);
}

/** Trains gradient-boosted regression trees (squared or absolute loss). */
export const gbtTrainer: Trainer = {
  name: 'gbt',
  train(data: Dataset, options?: Record<string, unknown>): TrainedModel {
    validateDataset(data, 2);
    const nEstimators = numberOption(options, 'nEstimators', 100, 1, 10_000, true);
    const maxDepth = numberOption(options, 'maxDepth', 3, 1, 16, true);
    const learningRate = numberOption(options, 'learningRate', 0.1, 1e-6, 1);
    const minSamplesLeaf = numberOption(options, 'minSamplesLeaf', 1, 1, 1e9, true);
    const subsample = numberOption(options, 'subsample', 1, 0.01, 1);
    const seed = numberOption(options, 'seed', 1, 0, 2 ** 32 - 1, true);
    const loss = enumOption(options, 'loss', ['squared', 'absolute'], 'squared');
    const { X } = data;
    const n = X.length;
    const order = data.features.map((_, j) => {
      const col = column(X, j);
      return Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => col[a] - col[b]));
    });
    const rnd = seededRandom(seed);
    const ensembles: Ensemble[] = data.components.map((_, k) => {
      const y = column(data.Y, k);
      const init = loss === 'absolute' ? median([...y]) : y.reduce((a, b) => a + b, 0) / n;
      const pred = new Float64Array(n).fill(init);
      const r = new Float64Array(n);
      const g = new Float64Array(n);
      const inSample = new Uint8Array(n).fill(1);
      const trees: FlatTree[] = [];
      for (let t = 0; t < nEstimators; t++) {
        for (let i = 0; i < n; i++) r[i] = y[i] - pred[i];
        if (subsample < 1) for (let i = 0; i < n; i++) inSample[i] = rnd() < subsample ? 1 : 0;
        if (loss === 'absolute') for (let i = 0; i < n; i++) g[i] = Math.sign(r[i]);
        const tree = fitTree(X, loss === 'absolute' ? g : r, order, inSample, { maxDepth, minSamplesLeaf });
        if (loss === 'absolute') medianLeaves(tree, X, r, inSample);
        trees.push(tree);
        for (let i = 0; i < n; i++) pred[i] += learningRate * predictTree(tree, X[i]);
      }
      return { init, trees };
    });
    return new GbtModel(
      { features: data.features, components: data.components, outputType: outputTypeOption(options) },
      { learningRate, maxDepth, ensembles },
    );
  },
};

function checkTree(raw: unknown, nf: number, field: string): FlatTree {
  if (typeof raw !== 'object' || raw === null) throw ERR_MODEL_BAD_MODEL(`${field} is not a tree`, { field });
  const t = raw as Record<string, unknown>;
  const feature = numbers(t.feature, undefined, `${field}.feature`);
  const len = feature.length;
  const tree: FlatTree = {
    feature,
    threshold: numbers(t.threshold, len, `${field}.threshold`),
    left: numbers(t.left, len, `${field}.left`),
    right: numbers(t.right, len, `${field}.right`),
    value: numbers(t.value, len, `${field}.value`),
  };
  for (let i = 0; i < len; i++) {
    const f = tree.feature[i];
    if (f === -1) continue;
    // Children must point forward, so prediction always terminates.
    if (!Number.isInteger(f) || f < 0 || f >= nf || !(tree.left[i] > i && tree.left[i] < len) || !(tree.right[i] > i && tree.right[i] < len)) {
      throw ERR_MODEL_BAD_MODEL(`${field}: node ${i} is malformed`, { field });
    }
  }
  if (len === 0) throw ERR_MODEL_BAD_MODEL(`${field} is empty`, { field });
  return tree;
}

/** Rebuilds a gradient-boosted model from its serialized form. @throws PP_MODEL_BAD_MODEL */
export function gbtFromJSON(json: SerializedModel): TrainedModel {
  const { header, params } = checkEnvelope(json, 'gbt');
  const nf = header.features.length;
  const ens = params.ensembles;
  if (!Array.isArray(ens) || ens.length !== header.components.length)
    throw ERR_MODEL_BAD_MODEL('gbt model: one ensemble per component is needed', { field: 'params.ensembles' });
  const ensembles = ens.map((e: unknown, k) => {
    const o = e as Record<string, unknown>;
    if (typeof o?.init !== 'number' || !Array.isArray(o.trees))
      throw ERR_MODEL_BAD_MODEL(`gbt model: ensemble ${k} is malformed`, { field: `params.ensembles[${k}]` });
    return { init: o.init, trees: o.trees.map((t: unknown, i) => checkTree(t, nf, `params.ensembles[${k}].trees[${i}]`)) };
  });
  const learningRate = numbers([params.learningRate], 1, 'params.learningRate')[0];
  const maxDepth = numbers([params.maxDepth], 1, 'params.maxDepth')[0];
  return new GbtModel(header, { learningRate, maxDepth, ensembles });
}

/** This model kind's entry in the trainer registry (models/registry.ts). */
export { gbtTrainer as trainer, gbtFromJSON as fromJSON };
