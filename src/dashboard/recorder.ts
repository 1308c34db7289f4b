/**
 * @module dashboard/recorder
 * Feeds the chart history from the in-process agent: after each agent refresh it records the node
 * and the top workloads of every level, then pushes the new point to the open event streams.
 */
import type { AgentHandle, NodeView, WorkloadLevel, WorkloadView } from '../core/contracts.js';
import type { Logger } from '../core/logger.js';
import { DASHBOARD_LEVELS, type ChartHistory, type HistoryPoint } from './history.js';
import type { EventStreamHub } from './event-stream.js';

/** The `refresh` event sent to browsers. */
export interface RefreshEvent {
  node: NodeView;
  point: HistoryPoint;
}

/** Subscribes to agent refreshes while started. */
export class HistoryRecorder {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly agent: AgentHandle,
    private readonly history: ChartHistory,
    private readonly hub: EventStreamHub,
    private readonly topPerLevel: number,
    private readonly log: Logger,
  ) {}

  /** Records the agent's current snapshot (if any) and every later refresh. */
  start(): void {
    const now = this.agent.node();
    if (now) this.onRefresh(now);
    this.unsubscribe = this.agent.onRefresh((node) => this.onRefresh(node));
  }

  /** Stops recording. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Records one refresh and broadcasts it. */
  onRefresh(node: NodeView): void {
    if (this.history.latest()?.t === node.timestamp) return;
    const workloads: Partial<Record<WorkloadLevel, WorkloadView[]>> = {};
    for (const level of DASHBOARD_LEVELS) {
      try {
        workloads[level] = this.agent.workloads(level, this.topPerLevel).items;
      } catch (err) {
        this.log.debug({ err, level }, 'dashboard: workloads of this level are not available');
      }
    }
    const point = this.history.record(node, workloads);
    const event: RefreshEvent = { node, point };
    this.hub.broadcast('refresh', event);
  }
}
