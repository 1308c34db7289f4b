/**
 * @module agent/meters
 * Node meters (RAPL, hwmon, model, fake) and their selection.
 */
export { selectNodeMeter, type NodeMeterDeps } from './select.js';
export { createRaplMeter, energyPermissionMessage, type RaplMeterOptions } from './rapl.js';
export { createHwmonMeter, type HwmonMeterOptions } from './hwmon.js';
export { createModelMeter, resolveNodePredictor, type PredictorFactories, type ResolvedPredictor } from './model.js';
export { createFakeMeter, type FakeMeterOptions } from './fake.js';
export { linearPredictor } from './linear-predictor.js';
export { ccfCurve, classifyCpu, parseCpuinfo, type CcfCurve, type CpuInfo } from './cpu-model.js';
export { ERR_METER_UNAVAILABLE, ERR_NO_METER } from './errors.js';
