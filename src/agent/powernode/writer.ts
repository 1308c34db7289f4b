/**
 * @module agent/powernode/writer
 * Used by the agent (when `kube.enable`): keeps this node's PowerNode status current. The
 * PowerNode is named after the node and owned by its Node (so it goes when the node goes). Every
 * `intervalMs` the status is rebuilt from the agent handle and applied (server-side apply, field
 * manager `powerplane-agent`) when something other than the watts moved, or when the watts moved by
 * more than 5 % / 1 W, or at least every ten intervals, so 1,000 nodes do not flood the API server.
 */
import type { Logger } from '../../core/logger.js';
import type { AgentHandle } from '../../core/contracts.js';
import type { KubeClient } from '../../kube/client.js';
import { API_VERSION } from '../../api/v1alpha1/common.js';
import { POWER_NODE_KIND, type PowerNode, type PowerNodeStatus } from '../../api/v1alpha1/powernode.js';
import { powerNodeStatus } from './status.js';
import { stableJson } from '../../core/hash.js';

/** Field manager of the agents' writes. */
export const AGENT_FIELD_MANAGER = 'powerplane-agent';

/** Options of {@link startPowerNodeWriter}. */
export interface PowerNodeWriterOptions {
  kube: Pick<KubeClient, 'apply' | 'applyStatus' | 'getOrUndefined'>;
  nodeName: string;
  handle: AgentHandle;
  log: Logger;
  /** Write period (default 30 s). */
  intervalMs?: number;
  now?: () => Date;
}

/** A running writer. */
export interface PowerNodeWriter {
  /** Writes now if needed; resolves when done (tests). */
  flush(): Promise<void>;
  stop(): void;
}

/** True when the new status is worth a write. Pure. */
export function statusChanged(prev: PowerNodeStatus | undefined, next: PowerNodeStatus, forced: boolean): boolean {
  if (!prev || forced) return true;
  const strip = (s: PowerNodeStatus) => stableJson({ ...s, watts: 0, lastUpdate: '' });
  if (strip(prev) !== strip(next)) return true;
  const dw = Math.abs(next.watts - prev.watts);
  return dw > 1 && dw > 0.05 * Math.max(prev.watts, 1);
}

/** Starts writing this node's PowerNode. */
export function startPowerNodeWriter(opts: PowerNodeWriterOptions): PowerNodeWriter {
  const interval = opts.intervalMs ?? 30_000;
  let last: PowerNodeStatus | undefined;
  let created = false;
  let sinceForced = 0;
  let running: Promise<void> = Promise.resolve();

  const ensureObject = async () => {
    if (created) return;
    const node = await opts.kube.getOrUndefined({ apiVersion: 'v1', kind: 'Node' }, opts.nodeName).catch(() => undefined);
    const ownerReferences = node?.metadata.uid ? [{ apiVersion: 'v1', kind: 'Node', name: opts.nodeName, uid: node.metadata.uid }] : undefined;
    await opts.kube.apply(
      {
        apiVersion: API_VERSION,
        kind: POWER_NODE_KIND,
        metadata: {
          name: opts.nodeName,
          labels: { 'app.kubernetes.io/part-of': 'powerplane', 'app.kubernetes.io/component': 'agent' },
          ...(ownerReferences ? { ownerReferences } : {}),
        },
      } satisfies PowerNode,
      { fieldManager: AGENT_FIELD_MANAGER, force: true },
    );
    created = true;
  };

  const tick = async () => {
    const now = (opts.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const next = powerNodeStatus(opts.handle.capabilities(), opts.handle.node(), now);
    const forced = ++sinceForced >= 10;
    if (!statusChanged(last, next, forced)) return;
    try {
      await ensureObject();
      await opts.kube.applyStatus(
        { apiVersion: API_VERSION, kind: POWER_NODE_KIND, metadata: { name: opts.nodeName }, status: next } satisfies PowerNode,
        { fieldManager: AGENT_FIELD_MANAGER, force: true },
      );
      last = next;
      sinceForced = 0;
    } catch (err) {
      created = false;
      opts.log.warn({ err, node: opts.nodeName }, 'could not write the PowerNode status');
    }
  };

  const run = () => {
    running = running.then(tick);
    return running;
  };
  const timer = setInterval(() => void run(), interval);
  timer.unref();
  void run();
  return {
    flush: run,
    stop: () => clearInterval(timer),
  };
}
