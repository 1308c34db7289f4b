/**
 * @module operator/controller/manager
 * Wires the operator together: the cache (informers limited to what the operator owns and its
 * own resources), one work queue per controller, event routing, a periodic resync, and leader
 * election with a Lease so that two replicas are safe (only the leader runs controllers; every
 * replica serves the webhook). A watch on the optional CRDs (ServiceMonitor, PrometheusRule, SCC,
 * MachineConfig) queues an install reconcile when one appears or goes.
 */
import type { NodeCostSource } from '../capping/node-costs.js';
import { hostname } from 'node:os';
import type { Logger } from '../../core/logger.js';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import { LeaseLock } from '../../kube/lease-lock.js';
import { LeaderElector } from '../../kube/leader-elector.js';
import { EventRecorder } from '../../kube/event-recorder.js';
import type { ApiConnectivity } from '../../kube/connectivity.js';
import { API_VERSION } from '../../api/v1alpha1/common.js';
import { POWER_MONITOR_NAME } from '../../api/v1alpha1/powermonitor.js';
import { POWER_NODE_REF, type PowerNode } from '../../api/v1alpha1/powernode.js';
import type { DashboardFile } from '../components/dashboards.js';
import { LEADER_LEASE_NAME } from '../components/install.js';
import { memoKey } from '../reconciler/apply.js';
import { OperatorCache } from './cache.js';
import { WorkQueue } from './queue.js';
import { PowerMonitorController } from './powermonitor.js';
import { POWER_MONITOR_REF } from '../../api/v1alpha1/powermonitor.js';
import { EstimatorController } from './estimator.js';
import { ESTIMATOR_REF } from '../../api/v1alpha1/estimator.js';
import { CrdWatch, OPTIONAL_KIND_CRDS } from './crd-watch.js';

/** `reportingController` of the operator's Events. */
export const EVENT_CONTROLLER = 'powerplane.io/operator';
import { CappingController, type CappingControllerDeps } from '../capping/controller.js';
import { CappingMetrics } from '../capping/metrics.js';
import { PrometheusPowerSource } from '../capping/prometheus-power.js';
import { AgentPowerSource } from '../capping/agent-power.js';
import { catalogAlgorithmResolver } from '../capping/algorithms.js';
import { POWER_CAP_POLICY_REF, type PowerCapPolicySpec } from '../../api/v1alpha1/powercappolicy.js';

/** Options of {@link OperatorManager}. */
export interface OperatorManagerOptions {
  kube: KubeClient;
  log: Logger;
  /** The operator's namespace (Lease). */
  namespace: string;
  /** Default image of the operands. */
  image: string;
  dashboards: readonly DashboardFile[];
  leaderElect: boolean;
  /** Leader identity (default $POD_NAME, else host name and pid). */
  identity?: string;
  /** Period of the full resync (default 5 min). */
  resyncMs?: number;
  /** Poll period while a deletion waits (default 1 s). */
  cleanupPollMs?: number;
  /**
   * Delay before PowerNode changes reach the PowerMonitor status (default 10 s): with 1,000 agents
   * reporting, the aggregate (total watts) changes all the time, and this bounds the status writes.
   */
  nodeStatusDelayMs?: number;
  /** Whether the API server answers (readiness); see {@link OperatorManager.ready}. */
  connectivity?: Pick<ApiConnectivity, 'reachable'>;
  /** Power capping: the default Prometheus, the algorithm resolver, the metrics registry, a clock (tests). */
  capping?: {
    prometheusUrl?: string;
    algorithm?: CappingControllerDeps['algorithm'];
    metrics?: CappingMetrics;
    /** Agent base URLs to read when no Prometheus is configured (default: the agent pods). */
    agentUrls?: string[];
    /** The estimator whose per-node cost curves rank Migrate destinations (absent: PowerNode headroom ranks them). */
    nodeCosts?: NodeCostSource;
    now?: () => Date;
  };
  /** Lease timings (tests). */
  lease?: { durationSeconds?: number; retryPeriodMs?: number; renewDeadlineMs?: number };
}

function ownerName(o: KubeObject): string | undefined {
  return o.metadata.ownerReferences?.find((r) => r.kind === 'PowerMonitor' && r.apiVersion === API_VERSION)?.name;
}

/** Runs the controllers (when leading). */
export class OperatorManager {
  readonly #o: OperatorManagerOptions;
  readonly cache: OperatorCache;
  readonly powerMonitors: PowerMonitorController;
  readonly estimators: EstimatorController;
  readonly capping: CappingController;
  readonly cappingMetrics: CappingMetrics;
  #install?: WorkQueue;
  #status?: WorkQueue;
  #estimatorQueue?: WorkQueue;
  readonly #crds: CrdWatch;
  #cappingQueue?: WorkQueue;
  #elector?: LeaderElector;
  #resync?: NodeJS.Timeout;
  #running = false;
  #leading = false;
  readonly #identity: string;

  constructor(opts: OperatorManagerOptions) {
    this.#o = opts;
    this.#identity = opts.identity ?? process.env.POD_NAME ?? `${hostname()}-${process.pid}`;
    const events = new EventRecorder({
      kube: opts.kube,
      source: { controller: EVENT_CONTROLLER, instance: this.#identity },
      onError: (err) => opts.log.debug({ err }, 'event not recorded'),
    });
    this.cache = new OperatorCache(opts.kube, [POWER_MONITOR_REF, POWER_NODE_REF, ESTIMATOR_REF, POWER_CAP_POLICY_REF]);
    const powerNodes = () => this.cache.informer<PowerNode>(POWER_NODE_REF)?.list() ?? [];
    this.powerMonitors = new PowerMonitorController({
      kube: opts.kube,
      reader: this.cache,
      powerNodes,
      image: opts.image,
      namespace: opts.namespace,
      dashboards: opts.dashboards,
      log: opts.log.child({ controller: 'powermonitor' }),
      events,
      cleanupPollMs: opts.cleanupPollMs,
    });
    this.#crds = new CrdWatch(opts.kube, OPTIONAL_KIND_CRDS, (name, served) => {
      opts.log.info({ crd: name, served }, served ? 'optional CRD installed: reconciling' : 'optional CRD removed: reconciling');
      opts.kube.resolver.invalidate();
      this.#install?.add(POWER_MONITOR_NAME);
    });
    this.estimators = new EstimatorController({ kube: opts.kube, reader: this.cache, powerNodes, log: opts.log.child({ controller: 'estimator' }) });
    this.cappingMetrics = opts.capping?.metrics ?? new CappingMetrics();
    const cap = opts.capping ?? {};
    this.capping = new CappingController({
      kube: opts.kube,
      log: opts.log.child({ controller: 'powercappolicy' }),
      algorithm: cap.algorithm ?? catalogAlgorithmResolver(opts.kube, opts.namespace),
      powerSource: (spec: PowerCapPolicySpec) => {
        const url = spec.prometheusUrl ?? cap.prometheusUrl;
        return url ? new PrometheusPowerSource({ url }) : new AgentPowerSource({ kube: opts.kube, urls: cap.agentUrls });
      },
      nodes: () =>
        powerNodes()
          .filter((n) => n.status)
          .map((n) => ({ name: n.metadata.name, watts: Math.max(0, n.status!.watts) })),
      ...(cap.nodeCosts ? { nodeCosts: cap.nodeCosts } : {}),
      metrics: this.cappingMetrics,
      now: cap.now,
    });
    this.#wire();
  }

  /** True when this replica leads (always true without leader election, once started). */
  get leading(): boolean {
    return this.#leading;
  }

  /**
   * Readiness (`/readyz`): a standby replica is ready (it serves the webhook); the leader is ready
   * when its caches have synced and its last request reached the API server, so a leader cut off
   * from the API server shows as not ready instead of silently reconciling nothing.
   */
  ready(): boolean {
    return !this.#leading || (this.cache.synced() && (this.#o.connectivity?.reachable ?? true));
  }

  /** Starts leader election (or the controllers directly). */
  async start(): Promise<void> {
    if (!this.#o.leaderElect) {
      await this.#startControllers();
      return;
    }
    const identity = this.#identity;
    const lock = new LeaseLock(this.#o.kube, {
      name: LEADER_LEASE_NAME,
      namespace: this.#o.namespace,
      identity,
      leaseDurationSeconds: this.#o.lease?.durationSeconds,
    });
    this.#elector = new LeaderElector(lock, {
      retryPeriodMs: this.#o.lease?.retryPeriodMs,
      renewDeadlineMs: this.#o.lease?.renewDeadlineMs,
      onStartedLeading: () => {
        this.#o.log.info({ identity }, 'leading: starting controllers');
        void this.#startControllers().catch((err: unknown) => this.#o.log.error({ err }, 'controllers failed to start'));
      },
      onStoppedLeading: () => {
        this.#o.log.warn({ identity }, 'lost leadership: stopping controllers');
        void this.#stopControllers();
      },
      onError: (err) => this.#o.log.warn({ err }, 'leader election'),
    });
    this.#elector.start();
  }

  /** Stops everything (and releases the lease). */
  async stop(): Promise<void> {
    await this.#elector?.stop();
    await this.#stopControllers();
  }

  /** Resolves when every queue is idle (tests, benchmarks). */
  async idle(): Promise<void> {
    for (let i = 0; i < 3; i++)
      await Promise.all([this.#install?.idle(), this.#status?.idle(), this.#estimatorQueue?.idle(), this.#cappingQueue?.idle()]);
  }

  /** Queues an install reconcile (tests, benchmarks). */
  enqueue(name = POWER_MONITOR_NAME): void {
    this.#install?.add(name, 0);
  }

  async #startControllers(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#leading = true;
    this.#install = new WorkQueue((k) => this.powerMonitors.reconcile(k));
    this.#status = new WorkQueue((k) => this.powerMonitors.reconcileStatus(k), { coalesceMs: 200 });
    this.#estimatorQueue = new WorkQueue((k) => this.estimators.reconcile(k), { coalesceMs: 200 });
    this.#cappingQueue = new WorkQueue((k) => this.capping.reconcile(k));
    await Promise.all([this.cache.start(), this.#crds.start()]);
    for (const p of this.cache.informer(POWER_CAP_POLICY_REF)!.list()) this.#cappingQueue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    for (const pm of this.cache.informer(POWER_MONITOR_REF)!.list()) this.#install.add(pm.metadata.name ?? '');
    for (const e of this.cache.informer(ESTIMATOR_REF)!.list()) this.#estimatorQueue.add(`${e.metadata.namespace}/${e.metadata.name}`);
    this.#resync = setInterval(() => {
      for (const pm of this.cache.informer(POWER_MONITOR_REF)?.list() ?? []) this.#install?.add(pm.metadata.name ?? '');
    }, this.#o.resyncMs ?? 300_000);
    this.#resync.unref();
  }

  async #stopControllers(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#leading = false;
    if (this.#resync) clearInterval(this.#resync);
    this.#install?.stop();
    this.#status?.stop();
    this.#estimatorQueue?.stop();
    this.#cappingQueue?.stop();
    await Promise.all([this.cache.stop(), this.#crds.stop()]);
  }

  #wire(): void {
    const pmInf = this.cache.informer(POWER_MONITOR_REF)!;
    const installOnChange = (o: KubeObject, old?: KubeObject) => {
      const changed =
        !old ||
        o.metadata.generation !== old.metadata.generation ||
        o.metadata.deletionTimestamp !== old.metadata.deletionTimestamp ||
        stableFinalizers(o) !== stableFinalizers(old);
      if (changed) this.#install?.add(o.metadata.name ?? '');
    };
    pmInf
      .on('add', (o) => installOnChange(o))
      .on('update', installOnChange)
      .on('delete', (o) => this.#install?.add(o.metadata.name ?? ''));

    for (const [ref, inf] of this.cache.informers()) {
      if (ref.apiVersion === API_VERSION) continue;
      inf.on('add', (o) => {
        const owner = ownerName(o);
        if (owner) this.#install?.add(owner);
      });
      inf.on('update', (o, old) => {
        const owner = ownerName(o);
        if (!owner) return;
        const specChanged =
          o.metadata.generation === undefined || o.metadata.generation !== old.metadata.generation || stableMeta(o) !== stableMeta(old);
        if (specChanged) this.#install?.add(owner);
        if (o.kind === 'DaemonSet' || ref.kind === 'DaemonSet') this.#status?.add(owner);
      });
      inf.on('delete', (o) => {
        this.powerMonitors.memo.forget(memoKey({ kind: ref.kind, metadata: o.metadata }));
        const owner = ownerName(o);
        if (owner) this.#install?.add(owner);
      });
    }

    const nodeInf = this.cache.informer(POWER_NODE_REF)!;
    const onNodes = (countChanged: boolean) => {
      this.#status?.add(POWER_MONITOR_NAME, this.#o.nodeStatusDelayMs ?? 10_000);
      if (countChanged)
        for (const e of this.cache.informer(ESTIMATOR_REF)?.list() ?? []) this.#estimatorQueue?.add(`${e.metadata.namespace}/${e.metadata.name}`);
    };
    nodeInf
      .on('add', () => onNodes(true))
      .on('update', () => onNodes(false))
      .on('delete', () => onNodes(true));

    const capInf = this.cache.informer(POWER_CAP_POLICY_REF)!;
    const capKey = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    const capChanged = (o: KubeObject, old?: KubeObject) =>
      !old || o.metadata.generation !== old.metadata.generation || o.metadata.deletionTimestamp !== old.metadata.deletionTimestamp;
    capInf
      .on('add', (o) => this.#cappingQueue?.add(capKey(o)))
      .on('update', (o, old) => {
        if (capChanged(o, old)) this.#cappingQueue?.add(capKey(o));
      })
      .on('delete', (o) => this.#cappingQueue?.add(capKey(o)));

    const estInf = this.cache.informer(ESTIMATOR_REF)!;
    const estKey = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    estInf
      .on('add', (o) => this.#estimatorQueue?.add(estKey(o)))
      .on('update', (o, old) => {
        if (o.metadata.generation !== old.metadata.generation) this.#estimatorQueue?.add(estKey(o));
      });
  }
}

function stableFinalizers(o: KubeObject): string {
  return (o.metadata.finalizers ?? []).join(',');
}

/** Labels, annotations and owners: metadata the operator sets, which do not bump generation. */
function stableMeta(o: KubeObject): string {
  return JSON.stringify([o.metadata.labels, o.metadata.annotations, o.metadata.ownerReferences]);
}
