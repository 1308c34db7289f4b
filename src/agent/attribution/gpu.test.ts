import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GpuIdleTracker, gpuWattsByPid } from './gpu.js';

const dev = (index: number, watts: number) => ({ index, uuid: `GPU-${index}`, name: 'H100', watts });

test('idle power is the lowest seen with no process; active power is split by SM share, else evenly', () => {
  const t = new GpuIdleTracker();
  // no processes: idle learnt (70 W on GPU 0), GPU 1 busy from the start: idle unknown = 0
  let s = t.split([dev(0, 70), dev(1, 300)], [{ pid: 9, gpuIndex: 1 }]);
  assert.deepEqual(
    s.map((x) => [x.idleWatts, x.activeWatts]),
    [
      [70, 0],
      [0, 300],
    ],
  );
  s = t.split(
    [dev(0, 270), dev(1, 300)],
    [
      { pid: 1, gpuIndex: 0, smUtilization: 0.6 },
      { pid: 2, gpuIndex: 0, smUtilization: 0.2 },
      { pid: 3, gpuIndex: 1 },
      { pid: 4, gpuIndex: 1 },
    ],
  );
  assert.deepEqual(s[0], { index: 0, watts: 270, activeWatts: 200, idleWatts: 70 });
  const w = gpuWattsByPid(s, [
    { pid: 1, gpuIndex: 0, smUtilization: 0.6 },
    { pid: 2, gpuIndex: 0, smUtilization: 0.2 },
    { pid: 3, gpuIndex: 1 },
    { pid: 4, gpuIndex: 1 },
  ]);
  assert.ok(Math.abs(w.get(1)! - 150) < 1e-9);
  assert.ok(Math.abs(w.get(2)! - 50) < 1e-9);
  assert.equal(w.get(3), 150);
  assert.equal(w.get(4), 150);
});

test('a process on two GPUs sums its shares; an idle GPU gives nothing', () => {
  const splits = [
    { index: 0, watts: 100, activeWatts: 40, idleWatts: 60 },
    { index: 1, watts: 60, activeWatts: 0, idleWatts: 60 },
    { index: 2, watts: 90, activeWatts: 30, idleWatts: 60 },
  ];
  const w = gpuWattsByPid(splits, [
    { pid: 7, gpuIndex: 0 },
    { pid: 7, gpuIndex: 1 },
    { pid: 7, gpuIndex: 2 },
  ]);
  assert.equal(w.get(7), 70);
});
