/**
 * @module estimator/scheduler/gpu-curve
 * A node's GPU curve (pure): the watts that 1, 2, … busy GPUs add to the node, from the node label
 * `powerplane.io/gpu-watts` (cumulative watts per GPU count, comma-separated, e.g. `300,600,900,1200` for
 * four 300 W GPUs). A pod asking for more GPUs than the curve lists cannot be placed on that node.
 */
import type { NodeInfo } from '../types.js';

/** The node label holding the GPU curve. */
export const GPU_CURVE_LABEL = 'powerplane.io/gpu-watts';

/** Parses a GPU curve label value; undefined when absent, an Error when malformed. */
export function parseGpuCurve(value: string | undefined): number[] | Error | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parts = value.split(',').map((s) => s.trim());
  const out: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (p === '' || !Number.isFinite(v) || v < 0)
      return new Error(`label ${GPU_CURVE_LABEL}=${JSON.stringify(value)} must list non-negative watts, comma-separated`);
    out.push(v);
  }
  return out;
}

/** Watts that `gpus` GPUs add on `node`: 0 without a curve (or for 0 GPUs), +Inf beyond the curve or for a malformed label. */
export function gpuWatts(node: NodeInfo, gpus: number): number {
  if (gpus <= 0) return 0;
  const curve = parseGpuCurve(node.labels[GPU_CURVE_LABEL]);
  if (curve === undefined) return 0;
  if (curve instanceof Error) return Infinity;
  return gpus <= curve.length ? curve[gpus - 1] : Infinity;
}
