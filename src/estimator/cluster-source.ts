/**
 * @module estimator/cluster-source
 * In a cluster: watches `Estimator` resources (powerplane.io/v1alpha1) and Nodes, and keeps the registry
 * in step. As WAO, any relevant change rebuilds the Estimators (debounced); a Node change is relevant when
 * its name, labels, allocatable CPU or InternalIP changes. Basic-auth Secrets are read from the
 * Estimator's namespace; MetricsAPI goes through the same client. With `pods`, it also watches Pods in
 * every namespace (list/watch only) and hands each add, change and delete to that sink: the scheduler
 * extender's pod counts (spread policy) and bound-node metric.
 */
import { Value } from 'typebox/value';
import type { Logger } from '../core/logger.js';
import { KubeClient, Informer, loadKubeConfig, type KubeObject } from '../kube/index.js';
import { buildEstimator } from './build.js';
import type { EstimatorRegistry } from './registry.js';
import { EstimatorSpecSchema, type EstimatorSpec } from './spec.js';
import { parseCpuMilli } from './monitors/quantity.js';
import type { BasicAuth, NodeInfo } from './types.js';
import { ESTIMATOR_REF } from '../api/v1alpha1/estimator.js';

const NODE_REF = { apiVersion: 'v1', kind: 'Node' } as const;
const SECRET_REF = { apiVersion: 'v1', kind: 'Secret' } as const;
const POD_REF = { apiVersion: 'v1', kind: 'Pod' } as const;

/** Where pod events go. */
export interface PodSink {
  /** A pod was added or changed. */
  upsert(pod: KubeObject): void;
  /** A pod was deleted. */
  remove(pod: KubeObject): void;
}

/** A running cluster source. */
export interface ClusterSource {
  synced(): boolean;
  stop(): Promise<void>;
}

/** The estimator's view of a Node object. */
export function nodeInfoFromObject(obj: KubeObject): NodeInfo {
  const status = (obj.status ?? {}) as { allocatable?: { cpu?: unknown }; addresses?: { type?: string; address?: string }[] };
  return {
    name: obj.metadata.name ?? '',
    labels: obj.metadata.labels ?? {},
    allocatableMilli: parseCpuMilli(status.allocatable?.cpu),
    address: status.addresses?.find((a) => a.type === 'InternalIP')?.address,
  };
}

/** Starts watching; resolves once every informer has listed. */
export async function startClusterSource(opts: {
  registry: EstimatorRegistry;
  kubeconfig?: string;
  log: Logger;
  debounceMs?: number;
  pods?: PodSink;
}): Promise<ClusterSource> {
  const { kubeConfig } = loadKubeConfig({ kubeconfig: opts.kubeconfig || undefined });
  const client = new KubeClient({ kubeConfig });
  const nodes = new Informer(client, NODE_REF);
  const estimators = new Informer(client, ESTIMATOR_REF);
  const readSecret = async (namespace: string, name: string): Promise<BasicAuth> => {
    const s = await client.get(SECRET_REF, name, namespace);
    const data = (s.data ?? {}) as Record<string, string>;
    const dec = (v?: string) => (v ? Buffer.from(v, 'base64').toString('utf8') : '');
    return { username: dec(data.username), password: dec(data.password) };
  };
  const kubeGet = (path: string) => client.transport.request<unknown>({ method: 'GET', path });

  let timer: NodeJS.Timeout | undefined;
  let building = Promise.resolve();
  let synced = false;
  const rebuild = () => {
    building = building
      .then(async () => {
        const nodeList = nodes.list().map(nodeInfoFromObject);
        const wanted = new Set<string>();
        for (const obj of estimators.list()) {
          const ns = obj.metadata.namespace ?? 'default';
          const name = obj.metadata.name ?? '';
          const spec = (obj.spec ?? {}) as EstimatorSpec;
          if (!Value.Check(EstimatorSpecSchema, spec)) {
            const e = Value.Errors(EstimatorSpecSchema, spec)[Symbol.iterator]().next().value;
            opts.log.warn({ estimator: `${ns}/${name}`, field: e?.instancePath, error: e?.message }, 'invalid Estimator spec; not served');
            continue;
          }
          wanted.add(`${ns}/${name}`);
          opts.registry.set(await buildEstimator(ns, name, spec, nodeList, { log: opts.log, readSecret, kubeGet }));
        }
        for (const e of opts.registry.list()) if (!wanted.has(`${e.namespace}/${e.name}`)) opts.registry.delete(e.namespace, e.name);
      })
      .catch((err: unknown) => opts.log.error({ err }, 'rebuilding estimators failed'));
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(rebuild, opts.debounceMs ?? 500);
    timer.unref();
  };
  const sig = (o: KubeObject) => JSON.stringify(nodeInfoFromObject(o));
  nodes
    .on('add', schedule)
    .on('delete', schedule)
    .on('update', (n, old) => {
      if (sig(n) !== sig(old)) schedule();
    });
  estimators
    .on('add', schedule)
    .on('delete', schedule)
    .on('update', (e, old) => {
      if (JSON.stringify(e.spec) !== JSON.stringify(old.spec)) schedule();
    });
  const informers: Informer[] = [nodes, estimators];
  if (opts.pods) {
    const sink = opts.pods;
    // terminated pods never count: the API server leaves them out (and sends a pod that terminates as deleted)
    const pods = new Informer(client, POD_REF, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    pods
      .on('add', (p) => sink.upsert(p))
      .on('update', (p) => sink.upsert(p))
      .on('delete', (p) => sink.remove(p));
    informers.push(pods);
  }
  for (const inf of informers) inf.on('error', (err) => opts.log.warn({ err: err.message }, 'watch failed; retrying'));
  await Promise.all(informers.map((inf) => inf.start()));
  rebuild();
  await building;
  synced = true;
  return {
    synced: () => synced,
    async stop() {
      if (timer) clearTimeout(timer);
      await Promise.all(informers.map((inf) => inf.stop()));
    },
  };
}
