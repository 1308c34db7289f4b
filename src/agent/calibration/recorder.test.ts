import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CalibrationRecorder, calibrationHeader } from './recorder.js';
import { silentLogger } from '../../core/logger.js';
import type { AgentSnapshot } from '../monitor/snapshot.js';

function snap(i: number): AgentSnapshot {
  return {
    seq: i,
    nodeName: 'n',
    timestamp: 1_700_000_000_000 + i * 1000,
    intervalSeconds: 1,
    busyRatio: 0.5,
    cpus: 2,
    meter: { name: 'rapl', estimated: false },
    zones: [
      {
        zone: 'package',
        path: 'p',
        nested: false,
        up: true,
        gap: false,
        totalUj: 0,
        activeUj: 0,
        idleUj: 0,
        deltaUj: 2_000_000 * i,
        activeDeltaUj: 0,
        idleDeltaUj: 0,
      },
    ],
    workloads: { process: [], container: [], pod: [], vm: [] },
    gpus: [],
    refreshSeconds: 0,
    processesScanned: 0,
    containersWithoutPod: 0,
    features: { cpu_busy_ratio: i / 100, bpf_cpu_time_ms: i * 10, bpf_cpu_time_ms_prev: (i - 1) * 10 },
  };
}

test('rows are appended under a header and the file is cut to the newest maxSamples', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cal-'));
  try {
    const file = join(dir, 'sub', 'cal.csv');
    const r = new CalibrationRecorder(file, ['package'], 10, silentLogger());
    for (let i = 1; i <= 11; i++) await r.record(snap(i));
    let lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'timestamp,cpu_busy_ratio,bpf_cpu_time_ms,bpf_cpu_time_ms_prev,package_watts');
    assert.equal(lines.length, 1 + 11, 'not cut before 10% over');
    assert.equal(lines[1], `${new Date(1_700_000_001_000).toISOString()},0.01,10,0,2.000000`);
    await r.record(snap(12));
    lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 11);
    assert.ok(lines[1].includes(',0.03,'), 'oldest rows dropped');
    // a new recorder continues the count from the file
    const r2 = new CalibrationRecorder(file, ['package'], 10, silentLogger());
    await r2.record(snap(13));
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file with other columns is moved aside, not appended to', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cal-'));
  try {
    const file = join(dir, 'cal.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const r = new CalibrationRecorder(file, ['package', 'dram'], 10, silentLogger());
    await r.record(snap(1));
    assert.ok(existsSync(file + '.prev'));
    assert.equal(readFileSync(file, 'utf8').split('\n')[0], calibrationHeader(['package', 'dram']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
