/**
 * @module agent/meters/select
 * Node meter selection: tries the meters of `--meter` in order, records why each one is or is not
 * usable, and returns the first usable one. `model` works everywhere, so the default list
 * (`rapl,hwmon,model`) never leaves a VM without numbers. Configuration mistakes (a model source
 * configured wrongly) are not skipped: they stop the start with exit code 2.
 */
import type { Logger } from '../../core/logger.js';
import { CONFIG_KEYS, type PowerplaneConfig } from '../../core/config-keys.js';
import type { MeterCapability } from '../../core/contracts.js';
import { PowerplaneError, errorMessage } from '../../core/errors.js';
import type { MeterSelection } from '../types.js';
import { GPU_METER, NODE_METERS, isNodeMeterName, type CreatedNodeMeter, type NodeMeterDeps } from './registry.js';
import { ERR_NO_METER } from './errors.js';

export type { NodeMeterDeps } from './registry.js';

/** The default of `--meter`. */
const DEFAULT_NODE_METERS = CONFIG_KEYS.find((k) => k.key === 'meter')!.default as readonly string[];

/** Builds the node meter `name` of the registry, importing its module only now. */
async function createMeter(name: string, config: PowerplaneConfig, log: Logger, deps: NodeMeterDeps): Promise<CreatedNodeMeter> {
  if (!isNodeMeterName(name)) throw new Error(`unknown meter ${name}`);
  return (await NODE_METERS[name]()).createNodeMeter({ config, log, deps });
}

/**
 * The node meters of `--meter` in order: `gpu` names the GPU meter (selected beside the node meter),
 * so it is left out; a list of only `gpu` keeps the default node meters.
 */
export function nodeMeterNames(meters: readonly string[]): string[] {
  const names = [...new Set(meters)].filter((m) => m !== GPU_METER);
  return names.length > 0 ? names : [...DEFAULT_NODE_METERS];
}

/**
 * Tries `config.meter` in order and returns the first usable meter with the record of every meter
 * tried. Logs a warning per unusable meter (naming the file and the fix) and the chosen meter and
 * zones. Throws `PP_AGENT_NO_METER` when none is usable, and configuration errors (exit code 2) as is.
 */
export async function selectNodeMeter(config: PowerplaneConfig, log: Logger, deps: NodeMeterDeps = {}): Promise<MeterSelection> {
  const tried: MeterCapability[] = [];
  for (const name of nodeMeterNames(config.meter)) {
    try {
      const { meter, notes } = await createMeter(name, config, log, deps);
      const zones = meter.zones();
      tried.push({ name, available: true, zones: zones.map((z) => z.zone), ...(notes.length ? { reason: notes.join('; ') } : {}) });
      log.info(
        {
          meter: meter.info.name,
          estimated: meter.info.estimated,
          model: meter.info.model,
          zones: zones.map((z) => `${z.zone}${z.nested ? ' (nested)' : ''} ${z.path}`),
        },
        `node meter: ${meter.info.name}${meter.info.estimated ? ` (estimated by ${meter.info.model})` : ''}, zones ${zones.map((z) => z.zone).join(', ')}`,
      );
      return { meter, tried };
    } catch (err) {
      if (err instanceof PowerplaneError && err.exitCode === 2) throw err;
      const reason = errorMessage(err);
      tried.push({ name, available: false, reason });
      log.warn({ meter: name, reason }, `node meter ${name} is not usable: ${reason}`);
    }
  }
  const summary = tried.map((t) => `${t.name}: ${t.reason}`).join('; ');
  throw ERR_NO_METER(
    `no usable node meter in --meter=${config.meter.join(',')} (${summary}); add "model" to --meter to estimate power from CPU usage`,
    {
      flag: '--meter',
      tried,
    },
  );
}
