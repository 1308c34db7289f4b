/**
 * @module agent/meters/registry
 * Every meter of `--meter`, by name, in one table (as node_exporter's collectors): each node meter is a
 * module exporting {@link NodeMeterModule.createNodeMeter}, imported only when `--meter` tries it, and
 * `gpu` names the GPU meter chosen beside the node meter (agent/gpu). `--meter`'s choices, the
 * PowerMonitor CRD's `spec.agent.meters` enum and the docs derive from {@link METER_NAMES}; adding a
 * meter is one new module plus one line in {@link NODE_METERS}. This module imports no implementation
 * (only types), so the configuration schema can import the names for nothing.
 */
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import type { NodeMeter } from '../types.js';
import type { SysfsReader } from './sysfs-reader.js';
import type { PredictorFactories } from './model.js';

/** What selection may be given instead of the defaults (tests, and the agent wiring predictor sources). */
export interface NodeMeterDeps {
  reader?: SysfsReader;
  /** Monotonic clock in ms for the counter meters. */
  now?: () => number;
  predictors?: PredictorFactories;
}

/** What a node meter is built from: the agent configuration (its options are configuration keys). */
export interface NodeMeterContext {
  config: PowerplaneConfig;
  log: Logger;
  deps: NodeMeterDeps;
}

/** A built node meter and what happened on the way (fallbacks, shown as the meter's reason). */
export interface CreatedNodeMeter {
  meter: NodeMeter;
  notes: string[];
}

/** The shape of a node meter module. Throwing means "not usable here" (selection tries the next). */
export interface NodeMeterModule {
  createNodeMeter(ctx: NodeMeterContext): Promise<CreatedNodeMeter>;
}

/** The node meters: name → lazy module. The order is the order of the docs, not of selection. */
export const NODE_METERS = {
  rapl: () => import('./rapl.js'),
  hwmon: () => import('./hwmon.js'),
  model: () => import('./model.js'),
  fake: () => import('./fake.js'),
} as const satisfies Readonly<Record<string, () => Promise<NodeMeterModule>>>;

/** The name of a node meter. */
export type NodeMeterName = keyof typeof NODE_METERS;

/** The GPU meter's name in `--meter`: NVIDIA GPUs (NVML, else nvidia-smi), metered beside the node meter. */
export const GPU_METER = 'gpu';

/** A name `--meter` accepts. */
export type MeterName = NodeMeterName | typeof GPU_METER;

/** Every name `--meter` accepts: the node meters, then `gpu`. */
export const METER_NAMES: readonly MeterName[] = Object.freeze([...(Object.keys(NODE_METERS) as NodeMeterName[]), GPU_METER]);

/** Whether `name` is a node meter of the table. */
export function isNodeMeterName(name: string): name is NodeMeterName {
  return Object.hasOwn(NODE_METERS, name);
}
