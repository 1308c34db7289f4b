import { test } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { CMDLINE_MAX, ProcScanner, shortCmdline } from './scanner.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../../../test/helpers/agent/procfs-fixtures.js';
import { PowerplaneError } from '../../core/errors.js';
import { sharedDataPath } from '../../../test/helpers/shared-data.js';

test('real kepler-testdata procfs: containers, VM and CPU times', () => {
  const s = new ProcScanner(sharedDataPath('kepler-testdata', 'procfs'), { readExe: false });
  const r = s.scan();
  assert.equal(r.first, true);
  const byPid = new Map(r.processes.map((p) => [p.pid, p]));
  assert.equal(byPid.size, 6);
  const prom = byPid.get(3456208)!;
  assert.equal(prom.comm, 'prometheus');
  assert.equal(prom.cpuTicks, 572479 + 27124);
  assert.equal(prom.container?.runtime, 'docker');
  assert.equal(byPid.get(3538344)?.container?.runtime, 'podman');
  assert.equal(byPid.get(43251)?.vm?.name, 'kepler-stuff_default');
  assert.equal(byPid.get(43251)?.container, undefined);
  assert.equal(byPid.get(1337)?.container, undefined);
  assert.equal(s.cgroupVersion, 2);
  for (const p of r.processes) assert.equal(p.deltaTicks, 0, 'first scan has no deltas');
});

test('deltas, new processes, pid reuse and exited processes', () => {
  const fx = new ProcfsFixture();
  try {
    const id = fixtureContainerId(7);
    fx.add({ pid: 10, comm: 'a', utime: 100, stime: 0 })
      .add({ pid: 11, comm: 'web server (x)', utime: 50, stime: 5, cgroup: containerCgroup(id, 'containerd'), environ: { HOSTNAME: 'web-1' } })
      .write();
    const s = new ProcScanner(fx.root);
    s.scan();
    fx.advance(10, 30).advance(11, 7).add({ pid: 12, comm: 'new', utime: 4, stime: 1 }).write();
    let r = s.scan();
    const d = new Map(r.processes.map((p) => [p.pid, p]));
    assert.equal(d.get(10)?.deltaTicks, 30);
    assert.equal(d.get(11)?.deltaTicks, 7);
    assert.equal(d.get(11)?.comm, 'web server (x)');
    assert.equal(d.get(11)?.container?.id, id);
    assert.equal(d.get(11)?.containerName, 'web-1');
    assert.equal(d.get(12)?.deltaTicks, 5, 'a process born in the interval brings all its CPU time');
    // pid 10 is reused by a new process (new start time); pid 12 exits
    fx.add({ pid: 10, comm: 'b', utime: 3, stime: 0, startTime: 999 }).remove(12).write();
    r = s.scan();
    const e = new Map(r.processes.map((p) => [p.pid, p]));
    assert.equal(e.get(10)?.comm, 'b');
    assert.equal(e.get(10)?.deltaTicks, 3);
    assert.deepEqual(
      r.exited.map((p) => p.pid),
      [12],
    );
  } finally {
    fx.dispose();
  }
});

test('a pid that vanishes between listing and reading is skipped', () => {
  const fx = new ProcfsFixture();
  try {
    fx.add({ pid: 20, comm: 'x', utime: 1, stime: 1 }).write();
    // a directory without a stat file behaves like a process that exited mid-scan
    fx.add({ pid: 21, comm: 'gone', utime: 1, stime: 1 }).write();
    const s = new ProcScanner(fx.root);
    fx.remove(21);
    // remove only the stat file: the directory entry stays listed
    rmSync(`${fx.root}/21/stat`);
    const r = s.scan();
    assert.deepEqual(
      r.processes.map((p) => p.pid),
      [20],
    );
  } finally {
    fx.dispose();
  }
});

test('an unreadable procfs root is a PP_AGENT_PROCFS error naming the path', () => {
  const s = new ProcScanner('/nonexistent/procfs');
  assert.throws(
    () => s.scan(),
    (e: unknown) => e instanceof PowerplaneError && e.code === 'PP_AGENT_PROCFS' && e.details.path === '/nonexistent/procfs/stat',
  );
});

test('command lines are kept for host and container processes, cut for display', () => {
  const fx = new ProcfsFixture();
  try {
    fx.add({ pid: 30, comm: 'node', utime: 1, stime: 0, cmdline: ['node', '--import', 'tsx', 'x.ts'] })
      .add({
        pid: 31,
        comm: 'nginx',
        utime: 1,
        stime: 0,
        cgroup: containerCgroup(fixtureContainerId(3), 'containerd'),
        cmdline: ['nginx', '-g', 'daemon off;'],
      })
      .add({ pid: 32, comm: 'kthreadd', utime: 1, stime: 0, cmdline: [] })
      .write();
    const r = new ProcScanner(fx.root).scan();
    const d = new Map(r.processes.map((p) => [p.pid, p]));
    assert.equal(d.get(30)?.cmdline, 'node --import tsx x.ts');
    assert.equal(d.get(31)?.cmdline, 'nginx -g daemon off;');
    assert.equal(d.get(32)?.cmdline, '');
  } finally {
    fx.dispose();
  }
  const long = shortCmdline(['x'.repeat(CMDLINE_MAX), 'y']);
  assert.equal(long.length, CMDLINE_MAX);
  assert.ok(long.endsWith('…'));
  assert.equal(shortCmdline(['a', 'b']), 'a b');
});
