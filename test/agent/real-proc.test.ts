// On this machine's real /proc: a busy child process started by the test gets the largest process
// share of the node's active energy, and conservation holds on real data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { AgentMonitor } from '../../src/agent/monitor/monitor.js';
import { ScriptedMeter } from '../helpers/agent/test-meter.js';
import { ProcScanner } from '../../src/agent/procfs/scanner.js';
import { hostClockTicks } from '../../src/agent/procfs/clock.js';
import { silentLogger } from '../../src/core/logger.js';

test('a busy child gets the largest share on the real /proc', async () => {
  // Two busy threads per CPU, so that other processes on the machine (other tests) can hardly use more.
  // On a shared machine, raise its priority where allowed (root) before the threads start (they inherit
  // it): nice for the process, and for its own scheduler autogroup (it runs in a new session), since
  // the kernel shares CPU fairly between autogroups whatever the nice value inside them.
  const busy = `try { require('node:os').setPriority(-15); require('node:fs').writeFileSync('/proc/self/autogroup', '-15'); } catch {}
    const { Worker } = require('node:worker_threads'); const spin = 'const end = Date.now() + 20000; while (Date.now() < end) {}';
    for (let i = 1; i < 2 * require('node:os').cpus().length; i++) new Worker(spin, { eval: true }); eval(spin);`;
  const child = spawn(process.execPath, ['-e', busy], { stdio: 'ignore', detached: true });
  try {
    await once(child, 'spawn');
    const meter = new ScriptedMeter([{ zone: 'package', path: 'test', nested: false }], [10_000_000]);
    const mon = new AgentMonitor({
      nodeName: 'real',
      scanner: new ProcScanner('/proc'),
      meter,
      clockTicks: hostClockTicks(),
      cpus: 1,
      idlePolicy: 'none',
      maxTerminated: 0,
      minTerminatedEnergyThreshold: 0,
      log: silentLogger(),
    });
    await mon.refresh();
    await new Promise((r) => setTimeout(r, 1500));
    const s = await mon.refresh();
    const procs = s.workloads.process.filter((p) => p.state === 'running');
    const sum = procs.reduce((a, p) => a + p.energyUj[0], 0);
    assert.equal(sum, s.zones[0].activeUj, 'Σ processes = node active, exactly');
    const top = [...procs].sort((a, b) => b.energyUj[0] - a.energyUj[0])[0];
    assert.equal(
      top.meta.pid,
      child.pid,
      `largest share: ${top.meta.comm} (${top.meta.pid}), child ${child.pid}: ${procs
        .sort((a, b) => b.energyUj[0] - a.energyUj[0])
        .slice(0, 4)
        .map((p) => `${p.meta.comm}:${p.meta.pid}:${p.energyUj[0]}`)
        .join(' ')}`,
    );
  } finally {
    child.kill('SIGKILL');
  }
});
