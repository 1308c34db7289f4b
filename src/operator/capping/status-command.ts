/**
 * @module operator/capping/status-command
 * `powerplane cap status [-n NS] [-o json] [--kubeconfig FILE]`: every PowerCapPolicy (of a namespace,
 * or all), its mode, budget vs current and forecast watts, conditions and last actions, read from the
 * cluster's PowerCapPolicy status (what the operator wrote; nothing is measured here).
 */
import type { Command } from 'commander';
import { action } from '../../core/cli-common.js';
import { ERR_INVALID_FLAG } from '../../core/errors.js';
import type { PowerCapPolicy } from '../../api/v1alpha1/powercappolicy.js';
import { POWER_CAP_POLICY_REF } from '../../api/v1alpha1/powercappolicy.js';

/** One policy's summary. */
export interface PolicySummary {
  namespace: string;
  name: string;
  mode: string;
  budgetWatts?: number;
  currentWatts?: number;
  forecastWatts?: number;
  overBudget?: boolean;
  conditions: Record<string, { status: string; reason: string; message: string }>;
  targets: NonNullable<NonNullable<PowerCapPolicy['status']>['targets']>;
  lastActions: NonNullable<NonNullable<PowerCapPolicy['status']>['actions']>;
  lastEvaluation?: string;
}

/** Summarises policies (pure); `actions` = how many recent actions to keep per policy. */
export function summarize(policies: readonly PowerCapPolicy[], actions = 5): PolicySummary[] {
  return policies
    .map((p) => {
      const s = p.status ?? {};
      return {
        namespace: p.metadata.namespace ?? '',
        name: p.metadata.name,
        mode: p.spec?.mode ?? 'DryRun',
        ...(s.budgetWatts !== undefined ? { budgetWatts: s.budgetWatts } : {}),
        ...(s.currentWatts !== undefined ? { currentWatts: s.currentWatts } : {}),
        ...(s.forecastWatts !== undefined ? { forecastWatts: s.forecastWatts } : {}),
        ...(s.overBudget !== undefined ? { overBudget: s.overBudget } : {}),
        conditions: Object.fromEntries((s.conditions ?? []).map((c) => [c.type, { status: c.status, reason: c.reason, message: c.message }])),
        targets: s.targets ?? [],
        lastActions: (s.actions ?? []).slice(-actions),
        ...(s.lastEvaluation ? { lastEvaluation: s.lastEvaluation } : {}),
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

const w = (x: number | undefined) => (x === undefined ? '-' : String(x));

/** The text rendering (pure). */
export function formatSummaries(list: readonly PolicySummary[]): string {
  if (list.length === 0) return 'no PowerCapPolicies\n';
  const rows = [['NAMESPACE', 'NAME', 'MODE', 'BUDGET(W)', 'CURRENT(W)', 'FORECAST(W)', 'OVER', 'METRICS']];
  for (const p of list) {
    const metrics = p.conditions.MetricsUnavailable?.status === 'True' ? 'unavailable' : p.conditions.MetricsUnavailable ? 'ok' : '-';
    rows.push([
      p.namespace,
      p.name,
      p.mode,
      w(p.budgetWatts),
      w(p.currentWatts),
      w(p.forecastWatts),
      p.overBudget === undefined ? '-' : p.overBudget ? 'yes' : 'no',
      metrics,
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  let out =
    rows
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n';
  for (const p of list) {
    out += `\n${p.namespace}/${p.name}:\n`;
    for (const t of p.targets)
      out += `  ${t.kind}/${t.name}: ${t.state}, replicas ${w(t.replicas)}, max ${w(t.maxReplicas)}${t.recommendation?.maxReplicas !== undefined ? `, recommended max ${t.recommendation.maxReplicas}` : ''}${t.watts !== undefined ? `, ${t.watts} W` : ''} — ${t.reason}\n`;
    if (p.lastActions.length === 0) out += '  no actions yet\n';
    for (const a of p.lastActions) out += `  ${a.time} ${a.action}${a.dryRun ? ' (dry run)' : ''} ${a.target}: ${a.change} — ${a.reason}\n`;
  }
  return out;
}

/** Registers `cap status` on the `cap` command. */
export function registerCapStatusCommand(cap: Command): void {
  cap
    .command('status')
    .description('PowerCapPolicies on the cluster: budget vs current watts, conditions, recommendations, last actions')
    .option('-n, --namespace <ns>', 'only this namespace (default: all)')
    .option('-o, --output <format>', 'text or json', 'text')
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .action(
      action(async (opts: { namespace?: string; output: string; kubeconfig?: string }) => {
        if (opts.output !== 'text' && opts.output !== 'json')
          throw ERR_INVALID_FLAG(`-o/--output must be text or json, got ${JSON.stringify(opts.output)}`, { flag: '--output' });
        if (opts.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(opts.namespace))
          throw ERR_INVALID_FLAG(`--namespace must be a namespace name, got ${JSON.stringify(opts.namespace)}`, { flag: '--namespace' });
        // The Kubernetes client loads only when the command runs (not for --help).
        const [{ loadKubeConfig }, { KubeClient }] = await Promise.all([import('../../kube/kubeconfig.js'), import('../../kube/client.js')]);
        const kube = new KubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: opts.kubeconfig }).kubeConfig });
        const list = (await kube.list<PowerCapPolicy>(POWER_CAP_POLICY_REF, opts.namespace ? { namespace: opts.namespace } : {})).items;
        const summaries = summarize(list);
        process.stdout.write(opts.output === 'json' ? JSON.stringify(summaries) + '\n' : formatSummaries(summaries));
      }),
    );
}
