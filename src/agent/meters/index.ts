/**
 * @module agent/meters
 * Node meters (RAPL, hwmon, model, fake), their registry and their selection. A barrel for tests and
 * benchmarks: the agent imports `select.js` and `registry.js`, so only the meters tried are loaded.
 */
export { selectNodeMeter, type NodeMeterDeps } from './select.js';
export { METER_NAMES, NODE_METERS, type MeterName, type NodeMeterName } from './registry.js';
export { createRaplMeter, energyPermissionMessage, type RaplMeterOptions } from './rapl.js';
export { createHwmonMeter, type HwmonMeterOptions } from './hwmon.js';
export { createModelMeter, resolveNodePredictor, type PredictorFactories, type ResolvedPredictor } from './model.js';
export { createFakeMeter, type FakeMeterOptions } from './fake.js';
export { linearPredictor } from './linear-predictor.js';
export { ccfCurve, classifyCpu, summarizeCpuInfo, type CcfCurve, type CpuInfo } from './cpu-model.js';
export { ERR_METER_UNAVAILABLE, ERR_NO_METER } from './errors.js';
