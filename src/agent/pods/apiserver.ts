/**
 * @module agent/pods/apiserver
 * Pods from an API-server watch of this node's pods (`kube.podInformer.mode: apiserver`): an informer
 * with field selector `spec.nodeName=<node>`; the container map is rebuilt on every change.
 */
import type { Informer, KubeObject } from '../../kube/index.js';
import type { PodRef, PodResolver } from './types.js';
import { indexPods, type PodLike } from './pod-index.js';

/** Answers lookups from an informer's cache of this node's pods. */
export class InformerPodResolver implements PodResolver {
  readonly source = 'apiserver';
  private map = new Map<string, PodRef>();

  constructor(private readonly informer: Informer<KubeObject<PodLike>>) {
    const rebuild = () => {
      this.map = indexPods(this.informer.list());
    };
    informer.on('add', rebuild).on('update', rebuild).on('delete', rebuild).on('synced', rebuild);
  }

  lookup(containerId: string): PodRef | undefined {
    return this.map.get(containerId);
  }

  /** Starts the watch without waiting for the first list: pods appear once it syncs (errors are retried). */
  async start(): Promise<void> {
    void this.informer.start();
  }

  async stop(): Promise<void> {
    await this.informer.stop();
  }
}
