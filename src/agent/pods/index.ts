/**
 * @module agent/pods
 * Chooses the pod source from the configuration: none without `kube.enable`; else the kubelet
 * `/pods` endpoint (default) or an API-server watch of the node's pods.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../../core/logger.js';
import type { PowerplaneConfig } from '../../core/config-keys.js';
import type { KubeObject } from '../../kube/index.js';
import type { PodResolver } from './types.js';
import type { PodLike } from './pod-index.js';
import { PolledPodResolver, KubeletPodList, kubeletAddress } from './kubelet.js';
import { InformerPodResolver } from './apiserver.js';
import { ERR_AGENT_PODS } from '../errors.js';
import { errorMessage } from '../../core/errors.js';

export type { PodResolver, PodRef } from './types.js';

/** Service-account token of a pod (re-read on each kubelet request). */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** How often the kubelet `/pods` endpoint is polled. */
export const KUBELET_POLL_MS = 15_000;

/** The pod resolver for this configuration, or undefined when Kubernetes is off. */
export async function createPodResolver(config: PowerplaneConfig, nodeName: string, log: Logger): Promise<PodResolver | undefined> {
  if (!config.kube.enable) return undefined;
  // Loaded only with --kube.enable: the Kubernetes client costs ~100 MB of memory.
  const { loadKubeConfig, KubeClient, Informer } = await import('../../kube/index.js');
  const { kubeConfig, source } = loadKubeConfig({ kubeconfig: config.kube.config || undefined });
  const client = new KubeClient({ kubeConfig });
  if (config.kube.podInformer.mode === 'apiserver') {
    const informer = new Informer<KubeObject<PodLike>>(client, { apiVersion: 'v1', kind: 'Pod' }, { fieldSelector: { 'spec.nodeName': nodeName } });
    log.info({ node: nodeName, kubeconfig: source }, 'pods from an API-server watch of this node');
    return new InformerPodResolver(informer);
  }
  let node: KubeObject;
  try {
    node = await client.get({ apiVersion: 'v1', kind: 'Node' }, nodeName);
  } catch (err) {
    throw ERR_AGENT_PODS(
      `cannot read Node ${nodeName} to find its kubelet (set --kube.node-name): ${errorMessage(err)}`,
      { flag: '--kube.node-name' },
      { cause: err },
    );
  }
  const addr = kubeletAddress(node as Parameters<typeof kubeletAddress>[0], config.kube.kubeletPort);
  if (!addr) throw ERR_AGENT_PODS(`Node ${nodeName} has no address for its kubelet`);
  const tokenFile = existsSync(SERVICE_ACCOUNT_TOKEN) ? SERVICE_ACCOUNT_TOKEN : undefined;
  log.info({ node: nodeName, kubelet: `${addr.host}:${addr.port}` }, 'pods from the kubelet /pods endpoint');
  return new PolledPodResolver('kubelet', new KubeletPodList(addr.host, addr.port, tokenFile), KUBELET_POLL_MS, log);
}
