/**
 * @module agent/build
 * Builds the agent from the configuration: node name, procfs scanner and clock ticks, the node meter
 * and the platform and GPU meters, the pod source, the local model's fallback curve and the
 * calibration recorder.
 */
import { readFileSync } from 'node:fs';
import { cpus as osCpus, hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import type { PowerplaneConfig } from '../core/config-keys.js';
import { versionInfo } from '../core/version.js';
import { Agent } from './agent.js';
import { ProcScanner } from './procfs/scanner.js';
import { hostClockTicks } from './procfs/clock.js';
import { parseCpuInfo } from './procfs/cpuinfo.js';
import { selectNodeMeter } from './meters/select.js';
import { ccfCurve, summarizeCpuInfo } from './meters/cpu-model.js';
import { selectPlatformMeter } from './platform/index.js';
import { selectGpuMeter, gpuMeteringOn } from './gpu/index.js';
import { createPodResolver } from './pods/index.js';
import { CalibrationRecorder } from './calibration/recorder.js';

/** Default self-calibration file when `calibration.file` is empty. */
export const DEFAULT_CALIBRATION_FILE = join('.powerplane', 'calibration.csv');

/** This node's name: `kube.nodeName`, else `$NODE_NAME`, else the host name. */
export function resolveNodeName(config: PowerplaneConfig): string {
  return config.kube.nodeName || process.env.NODE_NAME || hostname();
}

/** Builds (does not start) the agent. Throws catalog errors for bad configuration (exit 2). */
export async function buildAgent(config: PowerplaneConfig, log: Logger): Promise<Agent> {
  const nodeName = resolveNodeName(config);
  const scanner = new ProcScanner(config.host.procfs);
  scanner.scan(); // fails early (PP_AGENT_PROCFS, exit 2) on a wrong --host.procfs
  let cpuinfoText = '';
  try {
    cpuinfoText = readFileSync(join(config.host.procfs, 'cpuinfo'), 'utf8');
  } catch {
    log.debug({ procfs: config.host.procfs }, 'no cpuinfo in procfs');
  }
  const cpuInfo = parseCpuInfo(cpuinfoText);
  const cpus = cpuInfo.length || osCpus().length || 1;
  const selection = await selectNodeMeter(config, log);
  const platform = await selectPlatformMeter(config, log);
  const gpu = await selectGpuMeter(config, log);
  const curve = ccfCurve(summarizeCpuInfo(cpuinfoText), cpus);
  let calibration: CalibrationRecorder | undefined;
  if (config.calibration.enable) {
    if (selection.meter.info.estimated) log.warn({ meter: selection.meter.info.name }, 'calibration.enable needs a measured meter; not recording');
    else {
      const file = config.calibration.file || DEFAULT_CALIBRATION_FILE;
      calibration = new CalibrationRecorder(
        file,
        selection.meter.zones().map((z) => z.zone),
        config.calibration.maxSamples,
        log,
      );
      log.info({ file, maxSamples: config.calibration.maxSamples }, 'recording self-calibration samples');
    }
  }
  if (config.attribution.idlePolicy === 'requests' && !config.kube.enable) {
    log.warn('attribution.idlePolicy=requests needs pod CPU requests (--kube.enable); no idle energy will be attributed');
  }
  const pods = await createPodResolver(config, nodeName, log);
  const v = versionInfo();
  return new Agent({
    nodeName,
    version: { version: v.version, commit: v.commit },
    selection,
    platform,
    gpu: { enabled: gpuMeteringOn(config), meter: gpu.meter, reason: gpu.reason, tried: gpu.tried },
    gpuIdleWatts: config.gpu.idleWatts,
    pods,
    kubeEnabled: config.kube.enable,
    scanner,
    clockTicks: hostClockTicks(),
    cpus,
    cpuInfo,
    levels: config.metrics,
    idlePolicy: config.attribution.idlePolicy,
    maxTerminated: config.monitor.maxTerminated,
    minTerminatedEnergyThreshold: config.monitor.minTerminatedEnergyThreshold,
    intervalMs: config.monitor.interval,
    stalenessMs: config.monitor.staleness,
    fallbackCurve: { idleWatts: curve.idleWatts, maxWatts: curve.maxWatts, name: `ccf:${curve.id}(${curve.vcpus} vCPU)` },
    calibration,
    log,
  });
}
