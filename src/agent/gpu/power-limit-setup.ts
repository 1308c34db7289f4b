/**
 * @module agent/gpu/power-limit-setup
 * Builds the GPU power-limit action from the configuration: off unless `gpu.powerLimit.enable`; then
 * a bearer token is required (`gpu.powerLimit.tokenFile`, exit 2 without one) and NVML is loaded for
 * it. When NVML is not usable the action is absent with the reason (the route answers 503).
 */
import { readFile } from 'node:fs/promises';
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import { ERR_INVALID_FLAG, errorMessage } from '../../core/errors.js';
import type { NvmlApi } from './nvml-api.js';
import { loadNvml } from './nvml-koffi.js';
import { NvmlPowerLimit } from './nvml-power-limit.js';

/** The enabled action (or why it is unavailable) and the token its route requires. */
export interface GpuPowerLimitSetup {
  action?: NvmlPowerLimit;
  reason?: string;
  token: string;
}

const TOKEN_FLAG = '--gpu.power-limit.token-file';

/** Reads the token and loads NVML for the action; undefined when the action is off. */
export async function setupGpuPowerLimit(
  config: PowerplaneConfig,
  log: Logger,
  load: (lib: string) => Promise<NvmlApi> = loadNvml,
): Promise<GpuPowerLimitSetup | undefined> {
  const { enable, tokenFile } = config.gpu.powerLimit;
  if (!enable) return undefined;
  if (tokenFile === '')
    throw ERR_INVALID_FLAG(`gpu.powerLimit.enable needs ${TOKEN_FLAG}: the power-limit route is never open`, { flag: TOKEN_FLAG });
  let token: string;
  try {
    token = (await readFile(tokenFile, 'utf8')).trim();
  } catch (err) {
    throw ERR_INVALID_FLAG(`${TOKEN_FLAG} ${tokenFile} cannot be read: ${errorMessage(err)}`, { flag: TOKEN_FLAG });
  }
  if (token === '') throw ERR_INVALID_FLAG(`${TOKEN_FLAG} ${tokenFile} is empty`, { flag: TOKEN_FLAG });
  try {
    const nvml = await load(config.gpu.nvmlLibrary);
    nvml.init();
    try {
      const action = new NvmlPowerLimit(nvml, log);
      log.warn(
        { gpus: (await action.devices()).map((d) => `${d.gpu} ${d.uuid} ${d.limitWatts} W`) },
        'GPU power-limit action enabled: limits set through the agent are restored on exit',
      );
      return { action, token };
    } catch (err) {
      nvml.shutdown();
      throw err;
    }
  } catch (err) {
    const reason = `NVML is not usable for power limits: ${errorMessage(err).split('\n')[0]}`;
    log.warn({ reason }, 'GPU power-limit action unavailable');
    return { reason, token };
  }
}
