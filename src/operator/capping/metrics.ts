/**
 * @module operator/capping/metrics
 * The capping gauges and counter on the operator's `/metrics`: per policy
 * `powerplane_powercap_budget_watts`, `_current_watts`, `_forecast_watts`, `_over_budget` (1/0), and
 * `powerplane_powercap_actions_total{action,target}` counting the actions taken (Enforce only).
 * A policy's series are removed when it is deleted.
 */
import { Counter, Gauge, Registry } from 'prom-client';

const POLICY_LABELS = ['namespace', 'policy'] as const;

/** The capping metrics in their own registry. */
export class CappingMetrics {
  readonly registry = new Registry();
  readonly budget = new Gauge({
    name: 'powerplane_powercap_budget_watts',
    help: 'Budget of the PowerCapPolicy in watts (relative budgets resolved)',
    labelNames: POLICY_LABELS,
    registers: [this.registry],
  });
  readonly current = new Gauge({
    name: 'powerplane_powercap_current_watts',
    help: "Power of the policy's targets in watts",
    labelNames: POLICY_LABELS,
    registers: [this.registry],
  });
  readonly forecast = new Gauge({
    name: 'powerplane_powercap_forecast_watts',
    help: "Forecast power of the policy's targets at the next interval, in watts",
    labelNames: POLICY_LABELS,
    registers: [this.registry],
  });
  readonly overBudget = new Gauge({
    name: 'powerplane_powercap_over_budget',
    help: '1 when the targets draw more than act × budget, else 0',
    labelNames: POLICY_LABELS,
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: 'powerplane_powercap_actions_total',
    help: 'Actions the capper took, by action and target (Kind/name)',
    labelNames: [...POLICY_LABELS, 'action', 'target'],
    registers: [this.registry],
  });

  /** Records one round of a policy (undefined values remove the series). */
  observe(namespace: string, policy: string, v: { budget?: number; current?: number; forecast?: number; overBudget?: boolean }): void {
    const l = { namespace, policy };
    const set = (g: Gauge, x: number | undefined) => (x === undefined ? g.remove(l) : g.set(l, x));
    set(this.budget, v.budget);
    set(this.current, v.current);
    set(this.forecast, v.forecast);
    set(this.overBudget, v.overBudget === undefined ? undefined : v.overBudget ? 1 : 0);
  }

  readonly #actionLabels = new Map<string, Array<{ action: string; target: string }>>();

  /** Counts an action. */
  action(namespace: string, policy: string, action: string, target: string): void {
    this.actions.inc({ namespace, policy, action, target });
    const key = `${namespace}/${policy}`;
    const list = this.#actionLabels.get(key) ?? [];
    if (!list.some((x) => x.action === action && x.target === target)) list.push({ action, target });
    this.#actionLabels.set(key, list);
  }

  /** Drops every series of a policy. */
  forget(namespace: string, policy: string): void {
    for (const g of [this.budget, this.current, this.forecast, this.overBudget]) g.remove({ namespace, policy });
    for (const x of this.#actionLabels.get(`${namespace}/${policy}`) ?? []) this.actions.remove({ namespace, policy, ...x });
    this.#actionLabels.delete(`${namespace}/${policy}`);
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
