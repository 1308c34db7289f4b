/**
 * @module estimator/types
 * The estimator's seams: what a node is, what monitors read about it (its status), and the two
 * plug-in interfaces, {@link NodeMonitor} and {@link PowerPredictor}, one implementation per file.
 */

/** A node as the estimator sees it (from the Node API, the config file, or the local agent). */
export interface NodeInfo {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Allocatable CPU in millicores, when known. */
  allocatableMilli?: number;
  /** The node's first InternalIP, when known (endpoint templates use it). */
  address?: string;
}

/**
 * What monitors know about a node. Keys follow WAO's NodeStatus (`cpuUsage`, `ambientTemp`,
 * `staticPressureDiff`, `logicalProcessors`) plus powerplane's own readings.
 */
export interface NodeStatus {
  /** CPU usage; as WAO, the unit is whatever the predictor's model was trained on (MetricsAPI/Prometheus give a 0..1 ratio). */
  cpuUsage?: number;
  /** Ambient / inlet temperature, °C. */
  ambientTemp?: number;
  /** Static pressure difference front/back, Pa. */
  staticPressureDiff?: number;
  /** Logical CPUs of the node. */
  logicalProcessors?: number;
  /** CPU in use, millicores (free capacity = allocatable − this). */
  cpuUsedMilli?: number;
  /** Measured node power, watts (Redfish, IPMI, Prometheus). */
  powerWatts?: number;
}

/** The status keys, in a fixed order (cache keys, `/nodes` output). */
export const STATUS_KEYS = ['cpuUsage', 'ambientTemp', 'staticPressureDiff', 'logicalProcessors', 'cpuUsedMilli', 'powerWatts'] as const;

/** Reads part of a node's status from one source. */
export interface NodeMonitor {
  /** The agent type (`Fake`, `Redfish`, …). */
  readonly type: string;
  /** Reads the values this monitor provides; rejects when the source fails or answers nonsense. */
  read(node: NodeInfo, signal: AbortSignal): Promise<Partial<NodeStatus>>;
}

/** Predicts a node's power for extra CPU requests. */
export interface PowerPredictor {
  /** The predictor type (`Fake`, `MLServer`, …). */
  readonly type: string;
  /**
   * A string that is equal for two nodes exactly when this predictor gives them the same answers for the
   * same status (used to group identical nodes and to key the prediction cache).
   */
  identity(node: NodeInfo): string;
  /**
   * Predicted node watts for each extra request (millicores) on top of the node's status. Rejects when
   * the prediction fails as a whole; a non-finite entry marks one failed prediction.
   */
  predict(requestsMilli: readonly number[], status: NodeStatus, node: NodeInfo, signal: AbortSignal): Promise<number[]>;
  /**
   * For predictors linear in the request: the exact watts one more workload of `cpuMilli` adds (+Inf when
   * the node cannot take any), so the estimator needs no predicted curve; undefined when not linear.
   * Throws when the prediction fails. Must agree with {@link predict}.
   */
  slope?(cpuMilli: number, status: NodeStatus, node: NodeInfo): number | undefined;
  /**
   * For predictors whose watts grow in proportion to the requested CPU: the watts per core (1,000
   * millicores; +Inf when the node cannot take any), so the estimator orders nodes once, not per
   * `cpu_milli`; undefined when not proportional. Throws when the prediction fails. {@link slope} must
   * then be exactly `(cpuMilli / 1000) * wattsPerCore(status, node)`.
   */
  wattsPerCore?(status: NodeStatus, node: NodeInfo): number | undefined;
}

/** Username and password for HTTP basic auth. */
export interface BasicAuth {
  username: string;
  password: string;
}
