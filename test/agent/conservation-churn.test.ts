// Conservation as users see it: under process churn (processes, containers, pods and VMs that start
// and end between refreshes, recycled pids, scrapes that come after one or after several refreshes,
// a small terminated-workload cap and an energy threshold), at every scrape of /metrics over HTTP and
// for every level and zone, Σ the level's workload joules (running, terminated ones still listed, and
// the aggregated `terminated` series) + `powerplane_unattributed_cpu_joules_total{level}` equals
// `kepler_node_cpu_active_joules_total` (idle families likewise equal node idle), and no counter
// decreases. The snapshot behind each scrape is checked to the microjoule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../../src/agent/agent.js';
import { registerAgentRoutes } from '../../src/agent/api/routes.js';
import { ScriptedMeter } from '../helpers/agent/test-meter.js';
import { ProcScanner } from '../../src/agent/procfs/scanner.js';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../helpers/agent/procfs-fixtures.js';
import { createServer } from '../../src/core/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { seededRandom } from '../../src/core/random.js';
import type { PodResolver, PodRef } from '../../src/agent/pods/types.js';
import type { AgentSnapshot } from '../../src/agent/monitor/snapshot.js';
import type { IdlePolicy } from '../../src/agent/monitor/monitor.js';

const ZONES = [
  { zone: 'package', path: '/sys/class/powercap/intel-rapl:0', nested: false },
  { zone: 'dram', path: '/sys/class/powercap/intel-rapl:0:1', nested: false },
];
const LEVELS = ['process', 'container', 'pod', 'vm'] as const;
/** Unit roundoff of IEEE doubles. */
const U = 2 ** -53;
/** Container slots 0–1 belong to pod slot a, 2 to b, 3 to c; slot 4 has no pod. */
const POD_OF_SLOT = ['a', 'a', 'b', 'c', undefined];
const REQUEST_OF_SLOT = [500, 100, 250, 0, 0];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text body. */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/**
 * `terms` (each an exported double x = fl(E/1e6) of an exact µJ integer E) summed left to right, against
 * `expected` (exported the same way): each conversion errs by at most u·|x|, and a sum of n terms by at
 * most γ(n−1)·Σ|x| (γ(k) = k·u / (1 − k·u)), so the two agree within γ(n+1)·(Σ|x| + |expected|).
 */
function assertSum(terms: number[], expected: number, what: string): void {
  const sum = terms.reduce((a, x) => a + x, 0);
  const n = terms.length + 1;
  const tol = ((n * U) / (1 - n * U)) * (terms.reduce((a, x) => a + Math.abs(x), 0) + Math.abs(expected));
  assert.ok(Math.abs(sum - expected) <= tol, `${what}: Σ ${sum} vs ${expected} (tolerance ${tol}, ${terms.length} series)`);
}

/** The snapshot's ledger in exact µJ: per level and zone, listed + aggregate + unattributed = zone active (idle). */
function assertExact(s: AgentSnapshot, idleAttributed: boolean): void {
  const rest = s.remainders;
  assert.ok(rest);
  for (const level of LEVELS) {
    s.zones.forEach((zone, z) => {
      const active =
        s.workloads[level].reduce((a, w) => a + w.energyUj[z], 0) + rest[level].terminated.energyUj[z] + rest[level].unattributed.energyUj[z];
      assert.equal(active, zone.activeUj, `seq ${s.seq} ${level} ${zone.zone}: active µJ`);
      if (!idleAttributed) return;
      const idle =
        s.workloads[level].reduce((a, w) => a + (w.idleUj[z] ?? 0), 0) + (rest[level].terminated.idleUj[z] ?? 0) + rest[level].unattributed.idleUj[z];
      assert.equal(idle, zone.idleUj, `seq ${s.seq} ${level} ${zone.zone}: idle µJ`);
    });
  }
}

/** Per level and zone, Σ the level's workload series + unattributed = the node series, in a scrape. */
function assertScrape(samples: Sample[], idleFamilies: boolean, scrape: number): void {
  const of = (name: string) => samples.filter((x) => x.name === name);
  for (const { zone } of ZONES) {
    const nodeActive = of('kepler_node_cpu_active_joules_total').find((x) => x.labels.zone === zone)?.value;
    const nodeIdle = of('kepler_node_cpu_idle_joules_total').find((x) => x.labels.zone === zone)?.value;
    assert.ok(nodeActive !== undefined && nodeIdle !== undefined);
    for (const level of LEVELS) {
      const inZone = (xs: Sample[]) => xs.filter((x) => x.labels.zone === zone).map((x) => x.value);
      const unattributed = (name: string) => inZone(of(name).filter((x) => x.labels.level === level));
      assert.equal(unattributed('powerplane_unattributed_cpu_joules_total').length, 1, `one unattributed series per level and zone`);
      assert.equal(
        of(`kepler_${level}_cpu_joules_total`).filter(
          (x) => x.labels.zone === zone && x.labels[level === 'process' ? 'pid' : `${level}_id`] === 'terminated',
        ).length,
        1,
        `one aggregated terminated ${level} series`,
      );
      assertSum(
        [...inZone(of(`kepler_${level}_cpu_joules_total`)), ...unattributed('powerplane_unattributed_cpu_joules_total')],
        nodeActive,
        `scrape ${scrape} ${level} ${zone} active`,
      );
      if (idleFamilies)
        assertSum(
          [...inZone(of(`powerplane_${level}_idle_joules_total`)), ...unattributed('powerplane_unattributed_idle_joules_total')],
          nodeIdle,
          `scrape ${scrape} ${level} ${zone} idle`,
        );
    }
  }
}

for (const idlePolicy of ['cpu-share', 'requests'] as const satisfies readonly IdlePolicy[]) {
  test(`churn (idle policy ${idlePolicy}): Σ workload joules + unattributed = node active joules at every scrape and level; counters never decrease`, async () => {
    const rnd = seededRandom(idlePolicy === 'cpu-share' ? 11 : 12);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const fx = new ProcfsFixture();
    let clock = 1_000_000;
    let step = 0;
    /**
     * What each live fixture process runs in: `host`, `c<slot>` or `vm<slot>`. A workload id is never
     * used for two lives (as in a cluster): a container, pod or VM slot with no live process gets a new
     * id at its next process.
     */
    const live = new Map<number, string>();
    const running = (kind: string) => [...live.values()].includes(kind);
    /** The current id of each container, pod and VM slot; ids are numbered over all slots. */
    const idOf = new Map<string, number>();
    let ids = 0;
    const currentId = (slot: string, inUse: boolean) => {
      if (!inUse || !idOf.has(slot)) idOf.set(slot, ++ids);
      return idOf.get(slot) as number;
    };
    const pods = new Map<string, PodRef>();
    const spawn = (pid: number, kind: string) => {
      const startTime = step * 1000 + pid;
      if (kind === 'host') fx.add({ pid, comm: `host-${pid}`, utime: 0, stime: 0, startTime });
      else if (kind.startsWith('vm')) {
        const uuid = `vm-${currentId(kind, running(kind))}`;
        fx.add({
          pid,
          comm: 'qemu-system-x86',
          utime: 0,
          stime: 0,
          startTime,
          cmdline: ['/usr/bin/qemu-system-x86_64', '-name', `guest=${uuid}`, '-uuid', uuid],
        });
      } else {
        const slot = Number(kind.slice(1));
        const podSlot = POD_OF_SLOT[slot];
        // a pod is new only when none of its containers runs
        const podUid =
          podSlot &&
          `pod-${currentId(
            `pod-${podSlot}`,
            POD_OF_SLOT.some((p, i) => p === podSlot && running(`c${i}`)),
          )}`;
        const id = fixtureContainerId(currentId(kind, running(kind)));
        if (podUid) pods.set(id, { uid: podUid, name: podUid, namespace: 'shop', containerName: kind, cpuRequestMilli: REQUEST_OF_SLOT[slot] });
        fx.add({ pid, comm: `${kind}-${pid}`, utime: 0, stime: 0, startTime, cgroup: containerCgroup(id, 'containerd') });
      }
      live.set(pid, kind);
    };
    const KINDS = ['host', 'host', 'c0', 'c1', 'c2', 'c3', 'c4', 'vm1', 'vm2'];
    spawn(1, 'host');
    for (let pid = 2; pid < 12; pid++) spawn(pid, pick(KINDS));
    fx.write();
    const meter = new ScriptedMeter(ZONES, [0, 0]);
    const resolver: PodResolver = { source: 'test', lookup: (id) => pods.get(id), start: async () => {}, stop: async () => {} };
    const agent = new Agent({
      nodeName: 'n1',
      version: { version: '0.1.0', commit: 'abc' },
      selection: { meter, tried: [{ name: 'fake', available: true, zones: ZONES.map((z) => z.zone) }] },
      platform: {},
      gpu: { enabled: false },
      pods: resolver,
      kubeEnabled: false,
      scanner: new ProcScanner(fx.root, { readExe: false }),
      clockTicks: 100,
      cpus: 4,
      cpuInfo: [],
      levels: ['node', 'process', 'container', 'vm', 'pod'],
      idlePolicy,
      // a small cap and a threshold: terminated workloads leave the list by every path (exported, evicted, too small)
      maxTerminated: 3,
      minTerminatedEnergyThreshold: 0.5,
      intervalMs: 3_600_000,
      stalenessMs: 0,
      fallbackCurve: { idleWatts: 10, maxWatts: 30, name: 'ccf:test' },
      log: silentLogger(),
      now: () => clock,
    });
    const server = await createServer({
      log: silentLogger(),
      components: [
        { name: 'agent', routes: (app) => registerAgentRoutes(app, agent), start: async () => {}, stop: () => agent.stop(), isReady: () => true },
      ],
    });
    try {
      const url = await server.listen('127.0.0.1:0');
      let previous = new Map<string, number>();
      let scrapes = 0;
      let idleSteps = 0;
      for (step = 1; step <= 40; step++) {
        // processes end (never pid 1) and start, on recycled pids too
        for (const pid of [...live.keys()]) {
          if (pid !== 1 && rnd() < 0.25) {
            fx.remove(pid);
            live.delete(pid);
          }
        }
        for (let k = Math.floor(rnd() * 4); k > 0; k--) {
          const pid = 2 + Math.floor(rnd() * 30);
          if (!live.has(pid)) spawn(pid, pick(KINDS));
        }
        // every fifth interval no live process uses CPU (the busy time belongs to processes that ended)
        const noTicks = step % 5 === 0;
        if (noTicks) idleSteps++;
        for (const pid of live.keys()) fx.advance(pid, noTicks ? 0 : Math.floor(rnd() * 40));
        fx.advanceNode(noTicks ? 50 : Math.floor(rnd() * 20), 100 + Math.floor(rnd() * 200)).write();
        meter.deltas = [1_000_000 + Math.floor(rnd() * 30_000_000), Math.floor(rnd() * 5_000_000)];
        clock += 5000;
        if (rnd() < 0.3 && !noTicks) {
          // a refresh no scrape sees: what terminated in it stays listed until a scrape exported it
          await agent.monitor.refresh();
          continue;
        }
        const res = await fetch(`${url}/metrics`);
        assert.equal(res.status, 200);
        const samples = parse(await res.text());
        scrapes++;
        const snap = agent.monitor.current();
        assert.ok(snap);
        assertExact(snap, true);
        assertScrape(samples, true, scrapes);
        const now = new Map<string, number>();
        for (const x of samples) {
          if (!x.name.endsWith('_total')) continue;
          const key = x.name + JSON.stringify(x.labels);
          now.set(key, x.value);
          const before = previous.get(key);
          if (before !== undefined) assert.ok(x.value >= before, `${key} went from ${before} to ${x.value}`);
        }
        previous = now;
      }
      const last = agent.monitor.current();
      assert.ok(last?.remainders);
      for (const level of LEVELS)
        assert.ok(last.remainders[level].terminated.energyUj[0] > 0, `${level}: terminated workloads' energy went into the aggregate`);
      assert.ok(
        last.remainders.process.unattributed.energyUj[0] > 0 && idleSteps > 0,
        'intervals without process CPU time are unattributed at the process level',
      );
      assert.ok(
        last.remainders.container.unattributed.energyUj[0] > last.remainders.process.unattributed.energyUj[0],
        'host and VM processes are outside the container level',
      );
      assert.ok(scrapes >= 20, `${scrapes} scrapes`);
    } finally {
      await server.close();
      fx.dispose();
    }
  });
}
