import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '../../core/config.js';
import { silentLogger } from '../../core/logger.js';
import { FakeNvml, type FakeNvmlState } from '../../../test/fake-nvml/fake-nvml.js';
import { loadNvml } from './nvml-koffi.js';
import { NvmlMeter, listNvmlDevices, averageSm } from './nvml.js';
import { selectGpuMeter } from './select.js';
import { energyStep } from './energy-counter.js';
import { NVML } from './nvml-codes.js';
import { gpuWattsByPid, GpuIdleTracker } from '../attribution/gpu.js';

const log = silentLogger();
const H100 = 'NVIDIA H100 80GB HBM3';

/** Two GPUs: 0 with two processes (70% and 10% SM), 1 idle; energy counters in mJ. */
function twoGpus(e0: number, e1: number): FakeNvmlState {
  return {
    count: 2,
    devices: {
      0: {
        uuid: 'GPU-aaaa',
        name: H100,
        energy: e0,
        power: 310_000,
        limit: 700_000,
        constraints: [200_000, 700_000],
        procs: [
          { pid: 4242, bytes: 2 ** 30, sm: 70 },
          { pid: 4343, bytes: 2 ** 20, sm: 10 },
        ],
      },
      1: { uuid: 'GPU-bbbb', name: H100, energy: e1, power: 70_000, limit: 700_000, constraints: [200_000, 700_000] },
    },
  };
}

async function fixture(t: { after: (fn: () => Promise<void>) => void }, state: FakeNvmlState) {
  const dir = await mkdtemp(join(tmpdir(), 'pp-nvml-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = await FakeNvml.create(dir, state);
  const nvml = await loadNvml(fake.library);
  nvml.init();
  let clock = 0;
  const meter = new NvmlMeter(nvml, listNvmlDevices(nvml), log, () => clock);
  return { fake, nvml, meter, advance: (ms: number) => (clock += ms) };
}

test('energyStep: baseline, delta in µJ, backwards = reset gap, implausible jump = gap (never a spike)', () => {
  assert.deepEqual(energyStep(undefined, 5n, 1000, 1400), { kind: 'baseline' });
  assert.deepEqual(energyStep(1_000n, 301_000n, 1000, 1400), { kind: 'ok', deltaMicroJoules: 300_000_000, watts: 300 });
  assert.deepEqual(energyStep(2n ** 64n - 10n, 5n, 1000, 1400), { kind: 'gap', reason: 'reset' });
  assert.deepEqual(energyStep(0n, 5_000_000n, 1000, 1400), { kind: 'gap', reason: 'implausible' });
  // a 64-bit counter far above 2^53 keeps its exact delta
  assert.deepEqual(energyStep(2n ** 60n, 2n ** 60n + 250_000n, 1000, 1400), { kind: 'ok', deltaMicroJoules: 250_000_000, watts: 250 });
  assert.deepEqual(
    [
      ...averageSm([
        { pid: 1, smUtil: 60 },
        { pid: 1, smUtil: 80 },
        { pid: 2, smUtil: 10 },
      ]),
    ],
    [
      [1, 0.7],
      [2, 0.1],
    ],
  );
});

test('NVML meter through koffi and the fake libnvidia-ml: energy counter, limit, processes with SM share', async (t) => {
  const { fake, meter, advance } = await fixture(t, twoGpus(1_000_000, 500_000));
  let r = await meter.read();
  // baseline: sampled power, no energy yet
  assert.deepEqual(
    r.devices.map((d) => [d.index, d.uuid, d.name, d.watts, d.deltaMicroJoules, d.powerLimitWatts]),
    [
      [0, 'GPU-aaaa', H100, 310, 0, 700],
      [1, 'GPU-bbbb', H100, 70, 0, 700],
    ],
  );
  assert.deepEqual(r.processes, [
    { pid: 4242, gpuIndex: 0, usedMemoryMiB: 1024, smUtilization: 0.7 },
    { pid: 4343, gpuIndex: 0, usedMemoryMiB: 1, smUtilization: 0.1 },
  ]);
  assert.deepEqual(r.gaps, []);

  // 2 s later: 600 J on GPU 0 (300 W), 140 J on GPU 1 (70 W); no new utilization samples → SM 0 (even split)
  await fake.write(twoGpus(1_600_000, 640_000));
  advance(2000);
  r = await meter.read();
  assert.deepEqual(
    r.devices.map((d) => [d.watts, d.deltaMicroJoules]),
    [
      [300, 600_000_000],
      [70, 140_000_000],
    ],
  );
  assert.deepEqual(
    r.processes.map((p) => p.smUtilization),
    [0, 0],
  );

  // attribution: GPU 1's 70 W is idle (no process), GPU 0's active power by SM share
  const state = twoGpus(2_200_000, 780_000);
  state.devices[0].utilTs = 5000;
  await fake.write(state);
  advance(2000);
  r = await meter.read();
  const idle = new GpuIdleTracker(70);
  const w = gpuWattsByPid(idle.split(r.devices, r.processes), r.processes);
  assert.ok(Math.abs(w.get(4242)! - 230 * 0.875) < 1e-9);
  assert.ok(Math.abs(w.get(4343)! - 230 * 0.125) < 1e-9);
});

test('NVML meter: counter reset and implausible jump are counted gaps; a lost GPU is a gap until it answers again', async (t) => {
  const { fake, meter, advance } = await fixture(t, twoGpus(9_000_000, 500_000));
  await meter.read();
  // GPU 0's counter goes backwards (driver reload): a gap, then counting resumes from the new value
  await fake.write(twoGpus(1_000, 600_000));
  advance(1000);
  let r = await meter.read();
  assert.deepEqual(r.gaps, [{ gpu: 0, reason: 'reset' }]);
  assert.deepEqual(
    r.devices.map((d) => d.index),
    [1],
  );
  await fake.write(twoGpus(301_000, 700_000));
  advance(1000);
  r = await meter.read();
  assert.deepEqual(
    r.devices.map((d) => [d.index, d.watts]),
    [
      [0, 300],
      [1, 100],
    ],
  );
  // a jump far above twice the board's highest limit (1400 W): gap
  await fake.write(twoGpus(50_301_000, 800_000));
  advance(1000);
  r = await meter.read();
  assert.deepEqual(r.gaps, [{ gpu: 0, reason: 'implausible' }]);

  // GPU 1 falls off the bus: every call fails with NVML_ERROR_GPU_IS_LOST
  const lost = twoGpus(50_601_000, 900_000);
  lost.devices[1].err = { all: NVML.ERROR_GPU_IS_LOST };
  await fake.write(lost);
  advance(1000);
  r = await meter.read();
  assert.deepEqual(r.gaps, [{ gpu: 1, reason: 'lost' }]);
  assert.deepEqual(
    r.devices.map((d) => [d.index, d.watts]),
    [[0, 300]],
  );
  // it answers again: a new baseline (no energy invented for the lost intervals), then readings
  await fake.write(twoGpus(50_901_000, 5_000_000));
  advance(1000);
  r = await meter.read();
  assert.deepEqual(r.gaps, []);
  assert.deepEqual(
    r.devices.map((d) => [d.index, d.deltaMicroJoules]),
    [
      [0, 300_000_000],
      [1, 0],
    ],
  );
});

test('NVML meter: no energy counter (NOT_SUPPORTED) → sampled power; MIG instances list their processes', async (t) => {
  const state: FakeNvmlState = {
    count: 1,
    devices: {
      0: {
        uuid: 'GPU-mig',
        name: 'NVIDIA A100-SXM4-80GB',
        power: 250_000,
        migMode: 1,
        maxMig: 7,
        mig: [20, 21],
        err: { energy: NVML.ERROR_NOT_SUPPORTED, util: NVML.ERROR_NOT_SUPPORTED, limit: NVML.ERROR_NOT_SUPPORTED },
      },
      20: { uuid: 'MIG-one', gi: 1, err: { energy: NVML.ERROR_NOT_SUPPORTED, util: NVML.ERROR_NOT_SUPPORTED }, procs: [{ pid: 10, bytes: 0 }] },
      21: {
        uuid: 'MIG-two',
        gi: 2,
        err: { energy: NVML.ERROR_NOT_SUPPORTED, util: NVML.ERROR_NOT_SUPPORTED },
        procs: [
          { pid: 11, bytes: 0 },
          { pid: 12, bytes: 0 },
        ],
      },
    },
  };
  const { fake, meter, advance } = await fixture(t, state);
  let r = await meter.read();
  assert.deepEqual(r.devices, [
    {
      index: 0,
      uuid: 'GPU-mig',
      name: 'NVIDIA A100-SXM4-80GB',
      watts: 250,
      instances: [
        { id: 1, uuid: 'MIG-one' },
        { id: 2, uuid: 'MIG-two' },
      ],
    },
  ]);
  assert.deepEqual(
    r.processes.map((p) => [p.pid, p.gpuIndex, p.gpuInstance, p.smUtilization]),
    [
      [10, 0, 1, undefined],
      [11, 0, 2, undefined],
      [12, 0, 2, undefined],
    ],
  );
  // no instance power: the GPU's active power is split evenly among its processes
  let w = gpuWattsByPid([{ index: 0, watts: 250, activeWatts: 150, idleWatts: 100, instances: r.devices[0].instances }], r.processes);
  assert.deepEqual([...w.values()], [50, 50, 50]);

  // where the driver reports instance energy, the GPU's active power goes by instance power first
  for (const id of [20, 21]) state.devices[id].err = { util: NVML.ERROR_NOT_SUPPORTED };
  state.devices[20].energy = 1000;
  state.devices[21].energy = 1000;
  await fake.write(state);
  advance(1000);
  await meter.read();
  state.devices[20].energy = 121_000; // 120 W
  state.devices[21].energy = 41_000; // 40 W
  await fake.write(state);
  advance(1000);
  r = await meter.read();
  assert.deepEqual(r.devices[0].instances, [
    { id: 1, uuid: 'MIG-one', watts: 120 },
    { id: 2, uuid: 'MIG-two', watts: 40 },
  ]);
  w = gpuWattsByPid([{ index: 0, watts: 250, activeWatts: 160, idleWatts: 90, instances: r.devices[0].instances }], r.processes);
  assert.deepEqual(
    [...w],
    [
      [10, 120],
      [11, 20],
      [12, 20],
    ],
  );
});

test('selectGpuMeter: NVML when the library loads, nvidia-smi otherwise, and why', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-nvml-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const fake = await FakeNvml.create(dir, twoGpus(0, 0));
  const sel = await selectGpuMeter(defaultConfig({ 'gpu.nvmlLibrary': fake.library }), log);
  assert.equal(sel.meter?.source, 'nvml');
  assert.equal(sel.count, 2);
  assert.deepEqual(sel.tried, [{ source: 'nvml', available: true }]);
  await sel.meter!.close!();
  assert.deepEqual(await fake.log(), ['shutdown']);

  // `--meter gpu` turns GPU metering on even with gpu.enable off
  const viaMeter = await selectGpuMeter(defaultConfig({ 'gpu.enable': false, meter: ['gpu'], 'gpu.nvmlLibrary': fake.library }), log);
  assert.equal(viaMeter.meter?.source, 'nvml');
  await viaMeter.meter!.close!();
  assert.deepEqual(await selectGpuMeter(defaultConfig({ 'gpu.enable': false }), log), { reason: 'gpu.enable is off', count: 0, tried: [] });

  // absent library and absent nvidia-smi: no meter, not an error
  const none = await selectGpuMeter(
    defaultConfig({ 'gpu.nvmlLibrary': join(dir, 'missing/libnvidia-ml.so.1'), 'gpu.nvidiaSmiPath': join(dir, 'missing/nvidia-smi') }),
    log,
  );
  assert.equal(none.meter, undefined);
  assert.deepEqual(
    none.tried!.map((x) => [x.source, x.available]),
    [
      ['nvml', false],
      ['nvidia-smi', false],
    ],
  );
  assert.match(none.reason!, /NVML library .*missing\/libnvidia-ml\.so\.1 does not load.*; nvidia-smi not found/);

  // the library loads but the driver is not loaded: NVML unusable, with NVML's own message
  await fake.write({ ...twoGpus(0, 0), init: NVML.ERROR_DRIVER_NOT_LOADED });
  const noDriver = await selectGpuMeter(defaultConfig({ 'gpu.source': 'nvml', 'gpu.nvmlLibrary': fake.library }), log);
  assert.equal(noDriver.meter, undefined);
  assert.match(noDriver.reason!, /does not initialise: nvmlInit_v2: Driver Not Loaded \(NVML code 9\)/);

  // no GPU at all
  await fake.write({ count: 0, devices: {} });
  assert.deepEqual(await selectGpuMeter(defaultConfig({ 'gpu.nvmlLibrary': fake.library }), log), {
    reason: 'NVML lists no GPU',
    count: 0,
    tried: [{ source: 'nvml', available: false, reason: 'NVML lists no GPU' }],
  });
});
