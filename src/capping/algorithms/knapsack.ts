/**
 * @module capping/algorithms/knapsack
 * Exact solver for the knapsack over replicas: classes (targets) of units (replicas) taken as a prefix
 * (n replicas are the first n), whose marginal values and value per watt do not increase along the class,
 * one capacity (watts). Maximise the total value.
 *
 * Method: sort the units by value per watt; the LP relaxation gives an upper bound and the greedy fill a
 * lower bound; Dembo–Hammer reduction fixes every unit whose forced opposite cannot beat the lower bound;
 * a depth-first branch and bound over the remaining "core" units finishes (LP bound at every node by binary
 * search over prefix sums; a skipped unit closes its class, since units are taken as a prefix; a unit
 * fixed out by the reduction drops the rest of its class). The
 * search stops after `nodeLimit` nodes; then the best solution found is returned with `optimal: false`.
 */

/**
 * One class: the marginal values of its units, non-increasing, and the weight of each (as many as values);
 * value per weight must not increase along the class (true of a replica's power at the load it adds).
 */
export interface KnapsackClass {
  weights: readonly number[];
  values: readonly number[];
}

/** The solution: units taken per class, total value, weight used, whether optimality is proven, an upper bound. */
export interface KnapsackSolution {
  counts: number[];
  value: number;
  weight: number;
  optimal: boolean;
  nodes: number;
  /** The LP relaxation's value: no solution is worth more. */
  upperBound: number;
}

/** Solves the problem exactly (see the module comment). */
export function solveReplicaKnapsack(classes: readonly KnapsackClass[], capacity: number, nodeLimit = 5_000): KnapsackSolution {
  const counts = classes.map(() => 0);
  let cap = capacity;
  let base = 0;
  const cls: number[] = [];
  const val: number[] = [];
  const wt: number[] = [];
  for (const [c, k] of classes.entries()) {
    for (const [j, v] of k.values.entries()) {
      if (!(v > 0)) break;
      if (k.weights[j] <= 0 && cls.at(-1) !== c) {
        counts[c]++;
        base += v;
      } else {
        cls.push(c);
        val.push(v);
        wt.push(Math.max(0, k.weights[j]));
      }
    }
  }
  const ratio = new Float64Array(val.length);
  for (let i = 0; i < val.length; i++) ratio[i] = wt[i] > 0 ? val[i] / wt[i] : Infinity;
  // Ratio order, ties by index (units are pushed class by class): units grouped by ratio in index order,
  // the distinct ratios sorted natively (a comparator sort costs more than the search at hundreds of classes).
  const byRatio = new Map<number, number[]>();
  for (let i = 0; i < ratio.length; i++) {
    const same = byRatio.get(ratio[i]);
    if (same) same.push(i);
    else byRatio.set(ratio[i], [i]);
  }
  const distinct = Float64Array.from(byRatio.keys()).sort();
  const order: number[] = [];
  for (let k = distinct.length - 1; k >= 0; k--) for (const i of byRatio.get(distinct[k]) as number[]) order.push(i);
  let upperBound = Infinity;
  const result = (taken: Iterable<number>, optimal: boolean, nodes: number): KnapsackSolution => {
    const out = [...counts];
    for (const i of taken) out[cls[i]]++;
    let value = 0;
    let weight = 0;
    for (const [c, n] of out.entries()) {
      for (let j = 0; j < n; j++) {
        value += classes[c].values[j];
        weight += Math.max(0, classes[c].weights[j]);
      }
    }
    return { counts: out, value, weight, optimal, nodes, upperBound: optimal ? value : upperBound };
  };
  if (cap < 0) return result([], false, 0);

  // LP relaxation and greedy lower bound.
  let lp = base;
  let room = cap;
  let brk = -1;
  for (const [pos, i] of order.entries()) {
    if (wt[i] <= room) {
      room -= wt[i];
      lp += val[i];
    } else {
      brk = pos;
      lp += (val[i] * room) / wt[i];
      break;
    }
  }
  upperBound = lp;
  if (brk < 0) return result(order, true, 0);
  const greedy: number[] = [];
  let lb = base;
  room = cap;
  const stopped = new Uint8Array(classes.length);
  for (const i of order) {
    if (stopped[cls[i]]) continue;
    if (wt[i] <= room) {
      room -= wt[i];
      lb += val[i];
      greedy.push(i);
    } else stopped[cls[i]] = 1;
  }
  const eps = 1e-9 * Math.max(1, Math.abs(lp));
  if (lb >= lp - eps) return result(greedy, true, 0);

  // Dembo–Hammer reduction around the break ratio r.
  const r = ratio[order[brk]];
  const fixedIn: number[] = [];
  const free: number[] = [];
  const out = new Uint8Array(classes.length);
  for (const [pos, i] of order.entries()) {
    if (out[cls[i]]) continue;
    const bound = lp - Math.abs(val[i] - r * wt[i]);
    if (pos !== brk && bound < lb - eps) {
      if (pos < brk) fixedIn.push(i);
      else out[cls[i]] = 1;
    } else free.push(i);
  }
  for (const i of fixedIn) {
    cap -= wt[i];
    base += val[i];
  }

  // Branch and bound over the core.
  const n = free.length;
  const fv = free.map((i) => val[i]);
  const fw = free.map((i) => wt[i]);
  const fc = free.map((i) => cls[i]);
  const closed = new Uint32Array(classes.length);
  const take = new Uint8Array(n);
  let best = lb - base;
  let bestSet: number[] | undefined;
  let nodes = 0;
  let aborted = false;
  // Prefix sums over the core (ratio order) make the LP bound a binary search: O(log n) per node.
  const pw = new Float64Array(n + 1);
  const pv = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) {
    pw[k + 1] = pw[k] + fw[k];
    pv[k + 1] = pv[k] + fv[k];
  }
  const bound = (from: number, room: number): number => {
    const limit = pw[from] + room;
    let lo = from;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pw[mid] <= limit) lo = mid;
      else hi = mid - 1;
    }
    const v = pv[lo] - pv[from];
    return lo < n ? v + (fv[lo] * (limit - pw[lo])) / fw[lo] : v;
  };
  const dfs = (k: number, room: number, v: number): void => {
    if (aborted) return;
    if (++nodes > nodeLimit) {
      aborted = true;
      return;
    }
    if (v > best + eps) {
      best = v;
      bestSet = [];
      for (let q = 0; q < k; q++) if (take[q]) bestSet.push(free[q]);
    }
    if (k === n || v + bound(k, room) <= best + eps) return;
    const c = fc[k];
    if (closed[c] > 0) return dfs(k + 1, room, v);
    if (fw[k] <= room) {
      take[k] = 1;
      dfs(k + 1, room - fw[k], v + fv[k]);
      take[k] = 0;
    }
    // Units of a class are identical but for non-increasing values: skipping one skips the rest.
    closed[c]++;
    dfs(k + 1, room, v);
    closed[c]--;
  };
  if (n <= 5000) dfs(0, cap, 0);
  else aborted = true;
  if (bestSet === undefined) return result(greedy, !aborted, nodes);
  return result([...fixedIn, ...bestSet], !aborted, nodes);
}
