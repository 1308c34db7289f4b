/**
 * Node, platform and GPU meter benchmark: time and CPU per read of each meter on fixture trees (RAPL
 * two sockets with subzones and an mmio duplicate; hwmon 8 chips × 4 sensors; the model and fake
 * meters), a Redfish read from the DMTF mockup over loopback HTTP, and the nvidia-smi parsers on
 * 8 GPUs / 256 processes. Prints one JSON document. `BENCH_QUICK=1` runs fewer iterations.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo, percentile, cpuTimeMs } from './lib/machine.js';
import { sharedDataPath } from '../test/helpers/shared-data.js';
import { createRaplMeter, createHwmonMeter, createModelMeter, createFakeMeter, linearPredictor } from '../src/agent/meters/index.js';
import { buildPowercapTree, buildHwmonTree } from '../test/helpers/agent/meter-fixtures.js';
import { createRedfishMeter } from '../src/agent/platform/redfish.js';
import { serveRedfishMockup } from '../test/helpers/agent/redfish-mockup-server.js';
import { parseGpuQuery, parseComputeApps, parsePmon, mergeProcesses } from '../src/agent/gpu/index.js';
import type { NodeMeter } from '../src/agent/types.js';
import { loadNvml } from '../src/agent/gpu/nvml-koffi.js';
import { NvmlMeter, listNvmlDevices } from '../src/agent/gpu/nvml.js';
import { silentLogger } from '../src/core/logger.js';
import { FakeNvml } from '../test/fake-nvml/fake-nvml.js';

const quick = process.env.BENCH_QUICK === '1';
const N = quick ? 200 : 2000;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function timeReads(meter: NodeMeter, n: number): Promise<Record<string, number>> {
  const ctx = { busyRatio: 0.4, intervalMs: 5000, features: {} };
  await meter.read(ctx);
  const lat: number[] = [];
  const { cpuMs, wallMs } = await cpuTimeMs(async () => {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await meter.read(ctx);
      lat.push(performance.now() - t0);
    }
  });
  return {
    reads: n,
    zones: meter.zones().length,
    p50Ms: round(percentile(lat, 50)),
    p99Ms: round(percentile(lat, 99)),
    cpuMsPerRead: round(cpuMs / n),
    wallMsPerRead: round(wallMs / n),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'pp-bench-meters-'));
try {
  const zones = [];
  for (const s of [0, 1]) {
    zones.push({ dir: `intel-rapl:${s}`, name: `package-${s}`, energyUj: 1000 });
    ['core', 'uncore', 'dram'].forEach((name, i) => zones.push({ dir: `intel-rapl:${s}:${i}`, name, energyUj: 1000 }));
  }
  zones.push({ dir: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1000 });
  const raplSys = await buildPowercapTree(join(dir, 'rapl'), zones);
  const hwmonSys = await buildHwmonTree(
    join(dir, 'hwmon'),
    Array.from({ length: 8 }, (_, c) => ({
      dir: `hwmon${c}`,
      name: `chip${c}`,
      attributes: Object.fromEntries(
        Array.from({ length: 4 }, (_, k) => [
          [`power${k + 1}_input`, 10_000_000 + k],
          [`power${k + 1}_label`, `rail ${c}.${k}`],
        ]).flat(),
      ),
    })),
  );
  const figures: Record<string, unknown> = {
    rapl: await timeReads(await createRaplMeter({ sysfs: raplSys }), N),
    hwmon: await timeReads(await createHwmonMeter({ sysfs: hwmonSys }), N),
    model: await timeReads(createModelMeter(linearPredictor(20, 120)), N * 10),
    fake: await timeReads(createFakeMeter(), N * 10),
  };

  const server = await serveRedfishMockup(sharedDataPath('redfish', 'public-rackmount1'));
  try {
    const t0 = performance.now();
    const redfish = await createRedfishMeter({ endpoint: server.url });
    const probeMs = performance.now() - t0;
    const lat: number[] = [];
    const n = quick ? 50 : 300;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await redfish.read();
      lat.push(performance.now() - t);
    }
    figures.redfish = { probeMs: round(probeMs), reads: n, p50Ms: round(percentile(lat, 50)), p99Ms: round(percentile(lat, 99)) };
  } finally {
    await server.close();
  }

  const gpus = Array.from(
    { length: 8 },
    (_, i) => `${i}, GPU-${String(i).padStart(8, '0')}-0000-0000-0000-000000000000, NVIDIA H100 80GB HBM3, ${100 + i}.5, ${i * 10}`,
  ).join('\n');
  const apps = Array.from(
    { length: 256 },
    (_, i) => `${1000 + i}, GPU-${String(i % 8).padStart(8, '0')}-0000-0000-0000-000000000000, ${512 + i}`,
  ).join('\n');
  const pmon =
    '# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command\n# Idx           #    C/G      %      %      %      %      %      %    name\n' +
    Array.from({ length: 256 }, (_, i) => `    ${i % 8}      ${1000 + i}     C     ${i % 100}      3      -      -      -      -    python`).join(
      '\n',
    );
  const m = quick ? 200 : 2000;
  const { cpuMs } = await cpuTimeMs(() => {
    for (let i = 0; i < m; i++) mergeProcesses(parseGpuQuery(gpus), parseComputeApps(apps), parsePmon(pmon));
  });
  figures.nvidiaSmiParse = { gpus: 8, processes: 256, iterations: m, cpuMsPerParse: round(cpuMs / m) };

  // NVML through koffi against the fake libnvidia-ml.so.1 (which re-reads its control file at every
  // call, so this is an upper bound of the FFI path's cost): 8 GPUs × 32 processes, samples each read
  const fake = await FakeNvml.create(join(dir, 'nvml'), {
    count: 8,
    devices: Object.fromEntries(
      Array.from({ length: 8 }, (_, g) => [
        g,
        {
          uuid: `GPU-${g}`,
          name: 'NVIDIA H200',
          energy: 1000,
          energyRate: 300_000,
          limit: 700_000,
          constraints: [200_000, 700_000] as [number, number],
          utilTs: 0,
          procs: Array.from({ length: 32 }, (_, p) => ({ pid: 1000 + g * 32 + p, bytes: 1 << 30, sm: p % 100 })),
        },
      ]),
    ),
  });
  const nvml = await loadNvml(fake.library);
  nvml.init();
  const nvmlMeter = new NvmlMeter(nvml, listNvmlDevices(nvml), silentLogger());
  await nvmlMeter.read();
  const k = quick ? 50 : 500;
  const nvmlLat: number[] = [];
  const nvmlCpu = await cpuTimeMs(async () => {
    for (let i = 0; i < k; i++) {
      const t0 = performance.now();
      await nvmlMeter.read();
      nvmlLat.push(performance.now() - t0);
    }
  });
  await nvmlMeter.close();
  figures.nvmlRead = {
    gpus: 8,
    processes: 256,
    reads: k,
    p50Ms: round(percentile(nvmlLat, 50)),
    p99Ms: round(percentile(nvmlLat, 99)),
    cpuMsPerRead: round(nvmlCpu.cpuMs / k),
    library: 'fake libnvidia-ml.so.1 (test/fake-nvml)',
  };

  process.stdout.write(
    JSON.stringify(
      {
        bench: 'meters',
        inputs: { reads: N, raplZones: zones.length, hwmonSensors: 32, quick },
        figures,
        machine: machineInfo(),
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
