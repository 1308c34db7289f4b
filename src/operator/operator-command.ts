/**
 * @module operator/operator-command
 * Registers `powerplane operator`; what it runs is in operator-run.ts, imported only when it runs.
 */
import type { Command } from 'commander';
import { addConfigOptions, resolveConfig, action } from '../cli/common.js';
import { closeOnSignals } from '../core/server.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { DEFAULT_OPERATOR_NAMESPACE } from './components/install.js';
import { defaultImage } from './render.js';

function checkedUrl(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw ERR_INVALID_FLAG(`${flag} must be a URL, got ${JSON.stringify(v)}`, { flag });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw ERR_INVALID_FLAG(`${flag} must be http(s)`, { flag });
  return v;
}

/** Registers `powerplane operator`. */
export function registerOperatorCommand(program: Command): void {
  const cmd = program
    .command('operator')
    .description('run the operator: controllers for PowerMonitor, PowerNode, Estimator and PowerCapPolicy, admission webhook (default :9443), health and /metrics (default :8081)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster service account, $KUBECONFIG, ~/.kube/config)')
    .option('--namespace <ns>', `the operator's namespace: leader Lease and webhook Secret (default: the service account's, else ${DEFAULT_OPERATOR_NAMESPACE})`)
    .option('--webhook.listen-address <addr>', 'host:port of the admission webhook (TLS)', ':9443')
    .option('--webhook-url <url>', 'register the webhooks at this https URL (operator outside the cluster)')
    .option('--health.listen-address <addr>', 'host:port of /healthz and /readyz', ':8081')
    .option('--leader-elect', 'elect a leader with a Lease (run two replicas safely)')
    .option('--capping.prometheus-url <url>', 'Prometheus that PowerCapPolicies read pod power from when their spec names none (default: the agents directly)')
    .option('--image <image>', 'image of the operands when the PowerMonitor names none', process.env.POWERPLANE_OPERATOR_IMAGE ?? defaultImage());
  addConfigOptions(cmd, ['log.']);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      const { log } = resolveConfig(opts);
      const ns = opts.namespace as string | undefined;
      if (ns !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns)) throw ERR_INVALID_FLAG(`--namespace must be a DNS label, got ${JSON.stringify(ns)}`, { flag: '--namespace' });
      const { runOperator } = await import('./operator-run.js');
      const running = await runOperator({
        kubeconfig: opts.kubeconfig as string | undefined,
        namespace: ns,
        webhookListenAddress: opts['webhook.listenAddress'] as string,
        webhookUrl: opts.webhookUrl as string | undefined,
        healthListenAddress: opts['health.listenAddress'] as string,
        leaderElect: Boolean(opts.leaderElect),
        image: opts.image as string,
        log,
        cappingPrometheusUrl: checkedUrl(opts['capping.prometheusUrl'] as string | undefined, '--capping.prometheus-url'),
      });
      closeOnSignals(running, log);
    }),
  );
}
