// The agent with `--meter fake,gpu` against the fake libnvidia-ml.so.1 (real koffi FFI, real /proc,
// real HTTP): GPU energy to processes by SM share, Kepler GPU families, the source in
// powerplane_node_power_source_info and /api/v1/capabilities, counter reset and a lost GPU as counted
// gaps, and the power-limit route with its token, JSON-only body and restore on exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeNvml, type FakeNvmlState } from '../fake-nvml/fake-nvml.js';
import { freePort, spawnPowerplane } from '../helpers/cli.js';
import { AgentPowerLimitClient } from '../../src/agent/api/power-limit-client.js';
import { NVML } from '../../src/agent/gpu/nvml-codes.js';

const TOKEN = 'gpu-limit-token-0123456789';

/** Value of the first sample of `name` whose labels include every `labels` pair. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

function state(pids: number[], extra: (s: FakeNvmlState) => void = () => undefined): FakeNvmlState {
  const s: FakeNvmlState = {
    count: 2,
    devices: {
      // 300 W from the counter; two processes at 75% and 25% SM, samples at every read
      0: {
        uuid: 'GPU-e2e-0',
        name: 'NVIDIA H200',
        energy: 100_000_000,
        energyRate: 300_000,
        limit: 700_000,
        constraints: [200_000, 700_000],
        utilTs: 0,
        procs: [
          { pid: pids[0], bytes: 2 ** 30, sm: 75 },
          { pid: pids[1], bytes: 2 ** 30, sm: 25 },
        ],
      },
      1: { uuid: 'GPU-e2e-1', name: 'NVIDIA H200', energy: 5_000, energyRate: 70_000, limit: 700_000, constraints: [200_000, 700_000] },
    },
  };
  extra(s);
  return s;
}

test('agent --meter fake,gpu over the fake NVML: attribution, Kepler GPU families, gaps, power-limit action', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pp-gpu-e2e-'));
  const sleepers: ChildProcess[] = [spawn('sleep', ['300']), spawn('sleep', ['300'])];
  t.after(async () => {
    for (const s of sleepers) s.kill();
    await rm(dir, { recursive: true, force: true });
  });
  const pids = sleepers.map((s) => s.pid!);
  const fake = await FakeNvml.create(dir, state(pids));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, TOKEN + '\n');
  const port = await freePort();
  const agent = await spawnPowerplane(
    [
      'agent',
      '--meter',
      'fake,gpu',
      '--gpu.nvml-library',
      fake.library,
      '--gpu.idle-watts',
      '60',
      '--attribution.idle-policy',
      'cpu-share',
      '--metrics',
      'node,process',
      '--monitor.interval',
      '300ms',
      '--web.listen-address',
      `127.0.0.1:${port}`,
      '--log.format',
      'json',
      '--gpu.power-limit.enable',
      '--gpu.power-limit.token-file',
      tokenFile,
    ],
    { env: { FAKE_NVML_CONTROL: fake.controlFile }, ready: /agent listening on/, timeoutMs: 60_000 },
  );
  t.after(() => agent.stop());
  const base = `http://127.0.0.1:${port}`;
  const metrics = async () => (await fetch(`${base}/metrics`)).text();
  const waitFor = async (cond: (text: string) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const text = await metrics();
      if (cond(text)) return text;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `metrics never matched; last:\n${(await metrics())
        .split('\n')
        .filter((l) => l.includes('gpu'))
        .join('\n')}`,
    );
  };

  let text = await waitFor((m) => (sample(m, 'kepler_process_gpu_watts', { pid: String(pids[0]) }) ?? 0) > 0);
  // Watts are energy over real time measured by two clocks (the fake's and the agent's), a few ms apart in a
  // 300 ms interval when the machine is loaded: 5 %.
  const near = (v: number | undefined, want: number) => assert.ok(v !== undefined && Math.abs(v - want) <= want * 0.05, `${v} ≉ ${want}`);
  near(sample(text, 'kepler_node_gpu_watts', { gpu: '0', gpu_uuid: 'GPU-e2e-0', gpu_name: 'NVIDIA H200', vendor: 'nvidia' }), 300);
  near(sample(text, 'kepler_node_gpu_watts', { gpu: '1' }), 70);
  near(sample(text, 'kepler_node_gpu_idle_watts', { gpu: '0' }), 60);
  // GPU 0's active 240 W by SM share: 75% → 180 W, 25% → 60 W
  near(sample(text, 'kepler_process_gpu_watts', { pid: String(pids[0]) }), 180);
  near(sample(text, 'kepler_process_gpu_watts', { pid: String(pids[1]) }), 60);
  assert.ok((sample(text, 'kepler_process_gpu_joules_total', { pid: String(pids[0]) }) ?? 0) > 0);
  assert.ok(
    (sample(text, 'powerplane_process_gpu_idle_joules_total', { pid: String(pids[0]) }) ?? 0) > 0,
    'idle GPU energy by the cpu-share idle policy',
  );
  assert.equal(sample(text, 'powerplane_gpu_power_limit_watts', { gpu: '0' }), 700);
  assert.equal(sample(text, 'powerplane_node_power_source_info', { meter: 'nvml', component: 'gpu' }), 1);
  assert.equal(sample(text, 'powerplane_node_power_source_info', { meter: 'fake' }), 1);
  const caps = (await (await fetch(`${base}/api/v1/capabilities`)).json()) as { gpus: { available: boolean; count: number; source: string } };
  assert.deepEqual([caps.gpus.available, caps.gpus.count, caps.gpus.source], [true, 2, 'nvml']);

  // GPU 0's counter resets (driver reload) and GPU 1 is lost: counted gaps, no spike, GPU 1's series go
  await fake.write(
    state(pids, (s) => {
      s.devices[0].energy = 0; // 100 kJ less: the counter falls below its last value
      s.devices[1].err = { all: NVML.ERROR_GPU_IS_LOST };
    }),
  );
  const counterBefore = (await metrics()).match(/kepler_node_gpu_joules_total\{[^}]*gpu="0"[^}]*\} (\S+)/)![1];
  text = await waitFor(
    (m) =>
      (sample(m, 'powerplane_agent_gpu_dropped_intervals_total', { gpu: '1', reason: 'lost' }) ?? 0) >= 1 &&
      (sample(m, 'powerplane_agent_gpu_dropped_intervals_total', { gpu: '0', reason: 'reset' }) ?? 0) >= 1,
  );
  assert.equal(sample(text, 'kepler_node_gpu_watts', { gpu: '1' }), undefined);
  text = await waitFor((m) => (sample(m, 'kepler_node_gpu_watts', { gpu: '0' }) ?? 0) > 0);
  near(sample(text, 'kepler_node_gpu_watts', { gpu: '0' }), 300);
  assert.ok(
    Number(text.match(/kepler_node_gpu_joules_total\{[^}]*gpu="0"[^}]*\} (\S+)/)![1]) >= Number(counterBefore),
    'the joules counter never goes back',
  );

  // the power-limit route: token, JSON only, range checked; the client is the NodePowerLimit action
  const url = `${base}/api/v1/gpu/power-limits/0`;
  assert.equal((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"watts":450}' })).status, 401);
  const plain = await fetch(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/plain' },
    body: '{"watts":450}',
  });
  assert.equal(plain.status, 415);
  const client = new AgentPowerLimitClient(base, TOKEN);
  await assert.rejects(
    client.set('0', 5000),
    (e: Error & { status?: number; details?: { field?: string } }) => e.status === 400 && e.details?.field === 'watts',
  );
  await assert.rejects(client.set('GPU-nope', 300), (e: Error & { status?: number }) => e.status === 404);
  const set = await client.set('GPU-e2e-0', 450);
  assert.deepEqual([set.gpu, set.limitWatts, set.originalWatts, set.minWatts, set.maxWatts], [0, 450, 700, 200, 700]);
  text = await waitFor((m) => sample(m, 'powerplane_gpu_power_limit_watts', { gpu: '0' }) === 450);
  assert.deepEqual(
    (await client.devices()).map((d) => [d.gpu, d.limitWatts]),
    [[0, 450]],
    'the lost GPU is left out',
  );

  // exit restores the original limit and shuts NVML down
  assert.equal(await agent.stop(), 0);
  const log = await fake.log();
  assert.deepEqual(
    log.filter((l) => l.startsWith('limit')),
    ['limit 0 450000', 'limit 0 700000'],
  );
  assert.ok(log.includes('shutdown'));
});
