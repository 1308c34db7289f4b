/**
 * A machine with known numbers for the dashboard's end-to-end test: a procfs fixture tree (with
 * the agent's fixture builder) whose CPU counters advance by one fixed step after every agent
 * refresh, so each refresh sees exactly one step. With the model meter at idle 20 W / max 100 W:
 * busy ratio 20/80 = 0.25, node 40 W (active 10 W, idle 30 W), stress-ng 15/20 of active = 7.5 W,
 * nginx 2 W, systemd 0.5 W. Containers belong to pods that an API server (the fake one) reports for
 * this node, so the agent shows pods without a cluster.
 */
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcfsFixture, containerCgroup, fixtureContainerId } from '../helpers/agent/procfs-fixtures.js';
import { buildCpuinfo } from '../helpers/agent/meter-fixtures.js';

/** Pod uid of the stress-ng container. */
export const STRESS_POD_UID = '6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
/** Pod uid of the nginx container. */
export const WEB_POD_UID = '11111111-2222-4333-8444-555555555555';
/** The node name the agent runs as (its pods are on this node). */
export const NODE_NAME = 'e2e-node';

/** The fixture's two pods, as the API server holds them (containers matched by `containerID`). */
export function fixturePods(): Array<{
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string };
  spec: Record<string, unknown>;
  status: Record<string, unknown>;
}> {
  const pod = (name: string, namespace: string, uid: string, container: string, id: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid },
    spec: { nodeName: NODE_NAME, containers: [{ name: container, image: `${container}:latest`, resources: { requests: { cpu: '500m' } } }] },
    status: { phase: 'Running', containerStatuses: [{ name: container, containerID: `containerd://${id}`, ready: true }] },
  });
  return [
    pod('stress-7d9f', 'load', STRESS_POD_UID, 'stress', fixtureContainerId(1)),
    pod('web-5c4b', 'shop', WEB_POD_UID, 'nginx', fixtureContainerId(2)),
  ];
}
/** The numbers the page must show. */
export const EXPECTED = {
  nodeWatts: '40.0 W',
  activeWatts: '10.0 W',
  idleWatts: '30.0 W',
  busy: '25.0 %',
  model: 'linear:idle=20,max=100',
  topProcess: { name: 'stress-ng', watts: '7.50 W' },
  topPod: { name: 'stress-7d9f', namespace: 'load', watts: '7.50 W' },
  topContainer: { name: 'stress', where: 'load / stress-7d9f · containerd' },
  stressContainerId: fixtureContainerId(1),
};

/** The fixture's flags for `powerplane up`. */
export interface FixtureNode {
  procfs: string;
  sysfs: string;
  flags: string[];
  /** Follows the agent's event stream at `baseUrl` and steps the counters after each refresh. */
  follow(baseUrl: string): void;
  /** Refreshes seen so far. */
  refreshes(): number;
  dispose(): void;
}

/** Builds the fixture tree; `kubeconfig`: the agent maps containers to pods through that API server. */
export async function createFixtureNode(kubeconfig: string): Promise<FixtureNode> {
  const root = mkdtempSync(join(tmpdir(), 'pp-dash-e2e-'));
  const sysfs = join(root, 'sys');
  mkdirSync(join(sysfs, 'class', 'powercap'), { recursive: true });
  const procfs = new ProcfsFixture(join(root, 'proc'));
  await buildCpuinfo(procfs.root, 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', 4);
  procfs
    .add({ pid: 1, comm: 'systemd', utime: 50, stime: 10, cmdline: ['/sbin/init'] })
    .add({
      pid: 777,
      comm: 'nginx',
      utime: 30,
      stime: 5,
      cgroup: containerCgroup(fixtureContainerId(2), 'containerd', WEB_POD_UID),
      cmdline: ['nginx', '-g', 'daemon off;'],
    })
    .add({
      pid: 4242,
      comm: 'stress-ng',
      utime: 100,
      stime: 0,
      cgroup: containerCgroup(fixtureContainerId(1), 'containerd', STRESS_POD_UID),
      cmdline: ['stress-ng', '--cpu', '4'],
    })
    .write();
  const step = () => {
    procfs.advance(4242, 15).advance(777, 4).advance(1, 1).advanceNode(0, 60).write();
  };
  let seen = 0;
  let req: ReturnType<typeof request> | undefined;
  return {
    procfs: procfs.root,
    sysfs,
    flags: [
      '--host.procfs',
      procfs.root,
      '--host.sysfs',
      sysfs,
      '--meter',
      'model',
      '--model.idle-watts',
      '20',
      '--model.max-watts',
      '100',
      '--monitor.interval',
      '1s',
      '--metrics',
      'node,process,container,pod,vm',
      '--model-server.store-dir',
      join(root, 'models'),
      '--kube.enable',
      '--kube.pod-informer.mode',
      'apiserver',
      '--kube.config',
      kubeconfig,
      '--kube.node-name',
      NODE_NAME,
    ],
    follow(baseUrl) {
      req = request(`${baseUrl}/api/v1/stream`, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          const lines = buf.split('\n');
          buf = lines.pop() ?? '';
          for (const line of lines) {
            if (line !== 'event: refresh') continue;
            seen++;
            step();
          }
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end();
      step();
    },
    refreshes: () => seen,
    dispose() {
      req?.destroy();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
