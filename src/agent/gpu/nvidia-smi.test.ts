import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { defaultConfig } from '../../core/config.js';
import { silentLogger } from '../../core/logger.js';
import { parseGpuQuery, parseComputeApps, parsePmon } from './nvidia-smi-parse.js';
import { mergeProcesses } from './nvidia-smi.js';
import { selectGpuMeter } from './select.js';
import { writeFakeNvidiaSmi } from '../../../test/helpers/agent/gpu-fixtures.js';
import { ERR_GPU_READ } from './errors.js';
import { errorMessage } from '../../core/errors.js';

const log = silentLogger();

// Outputs in the layout nvidia-smi prints them (CSV with ", " separators; pmon with two header lines).
const GPUS = `0, GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77, NVIDIA H100 80GB HBM3, 312.45, 87
1, GPU-0d9f3a12-77c1-4e55-8b6d-2f1a9c3e4b50, NVIDIA H100 80GB HBM3, 71.08, 0
2, GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9, NVIDIA GeForce GT 710, [N/A], [N/A]
`;
const APPS = `48213, GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77, 40960
48377, GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77, 1024
50001, GPU-0d9f3a12-77c1-4e55-8b6d-2f1a9c3e4b50, [N/A]
`;
const PMON = `# gpu         pid   type     sm    mem    enc    dec    jpg    ofa    command 
# Idx           #    C/G      %      %      %      %      %      %    name 
    0      48213     C     71     40      -      -      -      -    python         
    0      48377     C     12      3      -      -      -      -    python         
    1          -     -      -      -      -      -      -      -    -              
    2       1234     G      -      -      -      -      -      -    Xorg           
`;
const PMON_OLD = `# gpu        pid  type    sm   mem   enc   dec   command
# Idx          #   C/G     %     %     %     %   name
    0       4242     C    55    20     0     0   trainer
`;

test('parseGpuQuery: power and utilisation, [N/A] left out', () => {
  assert.deepEqual(parseGpuQuery(GPUS), [
    { index: 0, uuid: 'GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77', name: 'NVIDIA H100 80GB HBM3', watts: 312.45, utilization: 0.87 },
    { index: 1, uuid: 'GPU-0d9f3a12-77c1-4e55-8b6d-2f1a9c3e4b50', name: 'NVIDIA H100 80GB HBM3', watts: 71.08, utilization: 0 },
    { index: 2, uuid: 'GPU-9e8d7c6b-5a49-3827-1605-f4e3d2c1b0a9', name: 'NVIDIA GeForce GT 710' },
  ]);
  assert.equal(parseGpuQuery('0, GPU-x, Odd, Name, 10, 5\n')[0].name, 'Odd, Name');
  assert.throws(() => parseGpuQuery("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n"), /line 1/);
});

test('parseComputeApps and parsePmon (new and old column sets)', () => {
  assert.deepEqual(parseComputeApps(APPS), [
    { pid: 48213, gpuUuid: 'GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77', usedMemoryMiB: 40960 },
    { pid: 48377, gpuUuid: 'GPU-5a4c1b7e-6b2e-4f4a-9a0e-0f3c2d1e8b77', usedMemoryMiB: 1024 },
    { pid: 50001, gpuUuid: 'GPU-0d9f3a12-77c1-4e55-8b6d-2f1a9c3e4b50' },
  ]);
  assert.deepEqual(parseComputeApps(''), []);
  assert.deepEqual(parsePmon(PMON), [
    { gpuIndex: 0, pid: 48213, type: 'C', sm: 0.71 },
    { gpuIndex: 0, pid: 48377, type: 'C', sm: 0.12 },
    { gpuIndex: 2, pid: 1234, type: 'G' },
  ]);
  assert.deepEqual(parsePmon(PMON_OLD), [{ gpuIndex: 0, pid: 4242, type: 'C', sm: 0.55 }]);
});

test('parsers never throw on junk except the device query, and keep values in range (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 400 }), (s) => {
      for (const r of parseComputeApps(s)) assert.ok(Number.isInteger(r.pid) && r.pid > 0);
      for (const r of parsePmon(s)) assert.ok(r.sm === undefined || (r.sm >= 0 && r.sm <= 1));
      try {
        for (const g of parseGpuQuery(s)) {
          assert.ok(Number.isInteger(g.index) && g.index >= 0);
          assert.ok(g.utilization === undefined || (g.utilization >= 0 && g.utilization <= 1));
          assert.ok(g.watts === undefined || g.watts >= 0);
        }
      } catch (e) {
        assert.match(errorMessage(e), /nvidia-smi --query-gpu line/);
      }
    }),
  );
});

test('mergeProcesses joins memory and SM share per (GPU, pid)', () => {
  const merged = mergeProcesses(parseGpuQuery(GPUS), parseComputeApps(APPS), parsePmon(PMON));
  assert.deepEqual(merged, [
    { pid: 48213, gpuIndex: 0, usedMemoryMiB: 40960, smUtilization: 0.71 },
    { pid: 48377, gpuIndex: 0, usedMemoryMiB: 1024, smUtilization: 0.12 },
    { pid: 50001, gpuIndex: 1 },
    { pid: 1234, gpuIndex: 2 },
  ]);
});

test('selectGpuMeter with a fake nvidia-smi: GPUs that report power, processes with SM share', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-gpu-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const smi = await writeFakeNvidiaSmi(dir, { gpus: GPUS, apps: APPS, pmon: PMON });
  const sel = await selectGpuMeter(defaultConfig({ 'gpu.source': 'nvidia-smi', 'gpu.nvidiaSmiPath': smi }), log);
  assert.equal(sel.count, 3);
  assert.equal(sel.meter?.source, 'nvidia-smi');
  const r = await sel.meter!.read();
  assert.deepEqual(
    r.devices.map((d) => [d.index, d.watts, d.utilization]),
    [
      [0, 312.45, 0.87],
      [1, 71.08, 0],
    ],
  );
  assert.equal(r.processes.length, 4);
  assert.equal(r.processes[0].smUtilization, 0.71);

  // pmon unsupported: processes still come, without SM share.
  await writeFakeNvidiaSmi(dir, { gpus: GPUS, apps: APPS });
  const noPmon = await sel.meter!.read();
  assert.deepEqual(
    noPmon.processes.map((p) => p.smUtilization),
    [undefined, undefined, undefined],
  );

  // the driver goes away mid-run: a read error, not a crash.
  await writeFakeNvidiaSmi(dir, { gpus: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", apps: '' });
  await assert.rejects(sel.meter!.read(), (e: unknown) => ERR_GPU_READ.is(e));
});

test('selectGpuMeter: disabled, missing nvidia-smi, failing driver → no meter with the reason', async (t) => {
  assert.deepEqual(await selectGpuMeter(defaultConfig({ 'gpu.enable': false }), log), { reason: 'gpu.enable is off', count: 0, tried: [] });
  const missing = await selectGpuMeter(defaultConfig({ 'gpu.source': 'nvidia-smi', 'gpu.nvidiaSmiPath': '/nonexistent/nvidia-smi' }), log);
  assert.equal(missing.meter, undefined);
  assert.match(missing.reason!, /nvidia-smi not found at \/nonexistent\/nvidia-smi/);
  const dir = await mkdtemp(join(tmpdir(), 'pp-gpu-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const smi = await writeFakeNvidiaSmi(dir, { gpus: '', apps: '' });
  assert.deepEqual(await selectGpuMeter(defaultConfig({ 'gpu.source': 'nvidia-smi', 'gpu.nvidiaSmiPath': smi }), log), {
    reason: 'nvidia-smi lists no GPU',
    count: 0,
    tried: [{ source: 'nvidia-smi', available: false, reason: 'nvidia-smi lists no GPU' }],
  });
});
