/**
 * @module operator/capping/notify
 * Notifications of a policy: a Kubernetes Event on the object concerned (always), an alert POSTed to
 * Alertmanager's v2 API (`POST {url}/api/v2/alerts`, a JSON array of postable alerts) and a generic
 * JSON webhook, when the policy names them. Delivery failures are logged and counted, never thrown:
 * a down receiver must not stop the control loop.
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient } from '../../kube/client.js';
import type { KubeObject } from '../../kube/types.js';
import type { Logger } from '../../core/logger.js';

/** The component named as the source of Events. */
export const EVENT_SOURCE = 'powerplane-capper';

/** One notification. */
export interface Notification {
  /** `namespace/name` of the policy. */
  policy: string;
  namespace: string;
  severity: 'info' | 'warning' | 'critical';
  /** CamelCase Event reason, also the alert name suffix. */
  reason: string;
  message: string;
  /** `Kind/name` of the target concerned, if one. */
  target?: string;
  budgetWatts?: number;
  currentWatts?: number;
}

/** The core/v1 Event object for a notification about `about` (the kube layer's `buildEvent` writes events.k8s.io/v1 ones). Pure. */
export function buildCoreEvent(about: KubeObject, n: Pick<Notification, 'severity' | 'reason' | 'message'>, now: Date): KubeObject {
  const ts = now.toISOString();
  const name = `${about.metadata.name}.${randomBytes(8).toString('hex')}`;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name, namespace: about.metadata.namespace },
    involvedObject: {
      apiVersion: about.apiVersion,
      kind: about.kind,
      name: about.metadata.name,
      namespace: about.metadata.namespace,
      uid: about.metadata.uid,
    },
    reason: n.reason,
    message: n.message.slice(0, 1024),
    type: n.severity === 'info' ? 'Normal' : 'Warning',
    source: { component: EVENT_SOURCE },
    reportingComponent: EVENT_SOURCE,
    reportingInstance: EVENT_SOURCE,
    firstTimestamp: ts,
    lastTimestamp: ts,
    count: 1,
  } as KubeObject;
}

/** Alertmanager v2 postable alerts for a notification. Pure. */
export function alertmanagerAlerts(n: Notification, now: Date, resolveAfterMs = 10 * 60_000): unknown[] {
  return [
    {
      labels: {
        alertname: `PowerCap${n.reason}`,
        severity: n.severity,
        namespace: n.namespace,
        powercappolicy: n.policy.split('/')[1] ?? n.policy,
        ...(n.target ? { target: n.target } : {}),
      },
      annotations: {
        summary: n.message.slice(0, 300),
        ...(n.budgetWatts !== undefined ? { budget_watts: String(n.budgetWatts) } : {}),
        ...(n.currentWatts !== undefined ? { current_watts: String(n.currentWatts) } : {}),
      },
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + resolveAfterMs).toISOString(),
    },
  ];
}

/** Options of {@link Notifier}. */
export interface NotifierOptions {
  kube: Pick<KubeClient, 'create'>;
  log: Logger;
  now?: () => Date;
  timeoutMs?: number;
}

/** Sends notifications. */
export class Notifier {
  readonly #o: NotifierOptions;
  /** Deliveries that failed, by channel (for tests and logs). */
  readonly failures = { event: 0, alertmanager: 0, webhook: 0 };

  constructor(opts: NotifierOptions) {
    this.#o = opts;
  }

  /** Emits an Event on `about`. */
  async event(about: KubeObject, n: Pick<Notification, 'severity' | 'reason' | 'message'>): Promise<void> {
    try {
      await this.#o.kube.create(buildCoreEvent(about, n, this.#o.now?.() ?? new Date()));
    } catch (err) {
      this.failures.event++;
      this.#o.log.warn({ err, reason: n.reason }, 'capping: event not recorded');
    }
  }

  /** Sends an alert to Alertmanager and the webhook when configured (an Event is the caller's). */
  async alert(n: Notification, to: { alertmanagerUrl?: string; webhookUrl?: string }): Promise<void> {
    const now = this.#o.now?.() ?? new Date();
    if (to.alertmanagerUrl) {
      await this.#post(`${to.alertmanagerUrl.replace(/\/+$/, '')}/api/v2/alerts`, alertmanagerAlerts(n, now), 'alertmanager');
    }
    if (to.webhookUrl) await this.#post(to.webhookUrl, { ...n, time: now.toISOString() }, 'webhook');
  }

  async #post(url: string, body: unknown, channel: 'alertmanager' | 'webhook'): Promise<void> {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#o.timeoutMs ?? 5000),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      await res.arrayBuffer();
    } catch (err) {
      this.failures[channel]++;
      this.#o.log.warn({ err, url, channel }, 'capping: notification not delivered');
    }
  }
}
