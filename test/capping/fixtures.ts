/**
 * Fixtures of the capping tests: workloads with their ReplicaSets and pods (owner references as the
 * controllers would set them), a served node-agent pod view (`GET /api/v1/workloads?level=pod`, the
 * agent's real response shape) and a served Prometheus exposition of `kepler_pod_cpu_joules_total`
 * counters that grow at the watts a test sets, for a real Prometheus to scrape.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SeedObject } from '../fake-apiserver/index.js';

/** A Deployment named `name` with `replicas` pods (through a ReplicaSet), all Ready on node n1/n2. */
export function deploymentWithPods(
  namespace: string,
  name: string,
  replicas: number,
  opts: { labels?: Record<string, string>; podLabels?: Record<string, string> } = {},
): SeedObject[] {
  const uid = `uid-deploy-${name}`;
  const rsName = `${name}-5d4f8`;
  const match = { app: name };
  const out: SeedObject[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, uid, labels: opts.labels ?? {} },
      spec: {
        replicas,
        selector: { matchLabels: match },
        template: { metadata: { labels: match }, spec: { containers: [{ name: 'main', image: 'example.org/llm:1' }] } },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace,
        uid: `uid-rs-${name}`,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid, controller: true }],
      },
      spec: {
        replicas,
        selector: { matchLabels: match },
        template: { metadata: { labels: match }, spec: { containers: [{ name: 'main', image: 'example.org/llm:1' }] } },
      },
    },
  ];
  for (let i = 0; i < replicas; i++)
    out.push(
      podOf(namespace, `${rsName}-p${i}`, { ...match, ...(opts.podLabels ?? {}) }, { kind: 'ReplicaSet', name: rsName, uid: `uid-rs-${name}` }, i),
    );
  return out;
}

/** One Ready, Running pod owned by `owner`. */
export function podOf(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  owner: { kind: string; name: string; uid: string; apiVersion?: string } | undefined,
  i = 0,
): SeedObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels,
      ...(owner
        ? { ownerReferences: [{ apiVersion: owner.apiVersion ?? 'apps/v1', kind: owner.kind, name: owner.name, uid: owner.uid, controller: true }] }
        : {}),
    },
    spec: { nodeName: `n${(i % 2) + 1}`, containers: [{ name: 'main', image: 'example.org/llm:1' }] },
    status: { phase: 'Running', podIP: `10.0.0.${i + 1}`, conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

/** A KEDA ScaledObject over Deployment `target`. */
export function scaledObject(namespace: string, name: string, target: string, maxReplicaCount?: number, minReplicaCount = 1): SeedObject {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { name: target },
      minReplicaCount,
      ...(maxReplicaCount !== undefined ? { maxReplicaCount } : {}),
      triggers: [
        { type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query: 'sum(rate(requests_total[1m]))', threshold: '100' } },
      ],
    },
  };
}

/** A served HTTP endpoint; `url` is its base. */
export interface Served {
  url: string;
  /** Watts per pod (namespace/name → watts); change at will. */
  watts: Map<string, number>;
  /** Requests answered. */
  hits: number;
  close(): Promise<void>;
}

async function serve(handler: (path: string, s: Served) => { type: string; body: string } | undefined): Promise<Served> {
  const state: Served = { url: '', watts: new Map(), hits: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const out = handler(req.url ?? '/', state);
    state.hits++;
    if (!out) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': out.type }).end(out.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

/** A node agent's pod view: `GET /api/v1/workloads?level=pod` with the pods' watts in the package zone. */
export function serveAgentPods(): Promise<Served> {
  return serve((path, s) => {
    if (!path.startsWith('/api/v1/workloads')) return undefined;
    const items = [...s.watts].map(([key, w]) => {
      const [namespace, name] = key.split('/');
      return {
        level: 'pod',
        id: `uid-${name}`,
        name,
        namespace,
        state: 'running',
        watts: w,
        joulesTotal: 0,
        cpuSecondsTotal: 0,
        zones: { package: { watts: w, joulesTotal: 0 } },
      };
    });
    return { type: 'application/json', body: JSON.stringify({ level: 'pod', timestamp: new Date().toISOString(), total: items.length, items }) };
  });
}

/**
 * A Prometheus exposition of `kepler_pod_cpu_joules_total{pod_name,pod_namespace,zone="package"}`
 * (plus a `core` zone that a correct query must not add): each counter grows by the pod's watts per
 * second of wall time, so `rate()` over it returns those watts.
 */
export function servePodExposition(): Promise<Served> {
  const joules = new Map<string, number>();
  let last = Date.now();
  return serve((path, s) => {
    if (path !== '/metrics') return undefined;
    const now = Date.now();
    const dt = (now - last) / 1000;
    last = now;
    for (const [k, w] of s.watts) joules.set(k, (joules.get(k) ?? 0) + w * dt);
    const lines = ['# TYPE kepler_pod_cpu_joules_total counter'];
    for (const [k, j] of joules) {
      const [ns, pod] = k.split('/');
      lines.push(
        `kepler_pod_cpu_joules_total{node_name="n1",pod_id="uid-${pod}",pod_name="${pod}",pod_namespace="${ns}",state="running",zone="package"} ${j.toFixed(3)}`,
      );
      lines.push(
        `kepler_pod_cpu_joules_total{node_name="n1",pod_id="uid-${pod}",pod_name="${pod}",pod_namespace="${ns}",state="running",zone="core"} ${(j * 0.7).toFixed(3)}`,
      );
    }
    return { type: 'text/plain; version=0.0.4', body: lines.join('\n') + '\n' };
  });
}
