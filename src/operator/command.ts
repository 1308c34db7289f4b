/**
 * @module operator/command
 * `powerplane operator` (controllers, webhook, leader election) and `powerplane render` (install
 * manifests as YAML). Neither loads the Kubernetes client until `operator` runs.
 */
import { Option, type Command } from 'commander';
import { addConfigOptions, resolveConfig, action } from '../core/cli-common.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { renderManifests, defaultImage, unpublishedImageWarning } from './render.js';
import { DEFAULT_OPERATOR_NAMESPACE, type InstallOptions } from './components/install.js';
import { DEFAULT_KUBE_SCHEDULER_VERSION, SCHEDULER_NAME, kubeSchedulerImage } from './components/scheduler.js';

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Registers `operator` and `render`. */
export function registerOperatorCommands(program: Command): void {
  registerOperatorCommand(program);
  program
    .command('render')
    .description(
      'print the install manifests (CRDs, namespace, RBAC, operator Deployment, webhook) as YAML for kubectl apply -f -; --scheduler adds the power-aware secondary scheduler',
    )
    .option('--namespace <ns>', 'namespace of the operator', DEFAULT_OPERATOR_NAMESPACE)
    .option('--image <image>', 'image of the operator and its operands', defaultImage())
    .option('--crds-only', 'print only the CustomResourceDefinitions')
    .option('--scheduler', `add the secondary scheduler ${SCHEDULER_NAME} (kube-scheduler with the estimator as extender), in --namespace`)
    .option(
      '--scheduler-version <version>',
      "Kubernetes version of the kube-scheduler image (use the cluster's: kubectl version)",
      DEFAULT_KUBE_SCHEDULER_VERSION,
    )
    .option('--scheduler-image <image>', 'kube-scheduler image (default: registry.k8s.io/kube-scheduler:<--scheduler-version>)')
    .addOption(
      new Option('--scheduler-policy <policy>', "placement policy of the scheduler's extender")
        .choices(['watts', 'spread', 'temperature'])
        .default('watts'),
    )
    .option('--scheduler-estimator-url <url>', 'base URL of the estimator the scheduler asks', 'http://powerplane-estimator.powerplane.svc:5656')
    .action(
      action((opts: RenderOptions) => {
        if (!NAMESPACE_RE.test(opts.namespace) || opts.namespace.length > 63)
          throw ERR_INVALID_FLAG(`--namespace must be a DNS label, got ${JSON.stringify(opts.namespace)}`, { flag: '--namespace' });
        if (!/^[^\s]{3,}$/.test(opts.image))
          throw ERR_INVALID_FLAG(`--image must be an image reference, got ${JSON.stringify(opts.image)}`, { flag: '--image' });
        let scheduler: InstallOptions['scheduler'];
        if (opts.scheduler) {
          if (!/^v?\d+\.\d+\.\d+$/.test(opts.schedulerVersion))
            throw ERR_INVALID_FLAG(`--scheduler-version must be a Kubernetes version such as v1.31.0, got ${JSON.stringify(opts.schedulerVersion)}`, {
              flag: '--scheduler-version',
            });
          if (opts.schedulerImage !== undefined && !/^[^\s]{3,}$/.test(opts.schedulerImage))
            throw ERR_INVALID_FLAG(`--scheduler-image must be an image reference, got ${JSON.stringify(opts.schedulerImage)}`, {
              flag: '--scheduler-image',
            });
          if (!/^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/.test(opts.schedulerEstimatorUrl))
            throw ERR_INVALID_FLAG(`--scheduler-estimator-url must be an http(s) URL, got ${JSON.stringify(opts.schedulerEstimatorUrl)}`, {
              flag: '--scheduler-estimator-url',
            });
          scheduler = {
            image: opts.schedulerImage ?? kubeSchedulerImage(opts.schedulerVersion),
            estimatorUrl: opts.schedulerEstimatorUrl,
            policy: opts.schedulerPolicy,
          };
        }
        if (!opts.crdsOnly && opts.image === defaultImage()) process.stderr.write(unpublishedImageWarning(opts.image));
        process.stdout.write(renderManifests({ namespace: opts.namespace, image: opts.image, crdsOnly: Boolean(opts.crdsOnly), scheduler }));
      }),
    );
}

/** Options of `render`. */
interface RenderOptions {
  namespace: string;
  image: string;
  crdsOnly?: boolean;
  scheduler?: boolean;
  schedulerVersion: string;
  schedulerImage?: string;
  schedulerPolicy: 'watts' | 'spread' | 'temperature';
  schedulerEstimatorUrl: string;
}

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

/** `--capping.estimator-url` and `--capping.estimator`, checked (exit 2 naming the flag). */
function cappingEstimator(opts: Record<string, unknown>): { cappingEstimator?: { url: string; estimator: string } } {
  const url = checkedUrl(opts['capping.estimatorUrl'] as string | undefined, '--capping.estimator-url');
  const estimator = String(opts['capping.estimator'] ?? 'default/default');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(estimator))
    throw ERR_INVALID_FLAG(`--capping.estimator must be namespace/name, got ${JSON.stringify(estimator)}`, { flag: '--capping.estimator' });
  return url ? { cappingEstimator: { url, estimator } } : {};
}

/**
 * Registers `powerplane operator`. Its help and flags need nothing more; the operator itself (with the
 * Kubernetes client) is imported when it runs.
 */
export function registerOperatorCommand(program: Command): void {
  const cmd = program
    .command('operator')
    .description(
      'run the operator: controllers for PowerMonitor, PowerNode, Estimator and PowerCapPolicy, admission webhook (default :9443), health and /metrics (default :8081)',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster service account, $KUBECONFIG, ~/.kube/config)')
    .option(
      '--namespace <ns>',
      `the operator's namespace: leader Lease and webhook Secret (default: the service account's, else ${DEFAULT_OPERATOR_NAMESPACE})`,
    )
    .option('--webhook.listen-address <addr>', 'host:port of the admission webhook (TLS)', ':9443')
    .option('--webhook-url <url>', 'register the webhooks at this https URL (operator outside the cluster)')
    .option('--health.listen-address <addr>', 'host:port of /healthz and /readyz', ':8081')
    .option('--leader-elect', 'elect a leader with a Lease (run two replicas safely)')
    .option(
      '--capping.prometheus-url <url>',
      'Prometheus that PowerCapPolicies read pod power from when their spec names none (default: the agents directly)',
    )
    .option(
      '--capping.estimator-url <url>',
      'powerplane estimator whose per-node cost curves rank the nodes a Migrate moves pods to (default: rank by PowerNode headroom)',
    )
    .option('--capping.estimator <namespace/name>', 'the Estimator of --capping.estimator-url to ask', 'default/default')
    .option('--image <image>', 'image of the operands when the PowerMonitor names none', process.env.POWERPLANE_OPERATOR_IMAGE ?? defaultImage());
  addConfigOptions(cmd, ['log.']);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      const { log } = resolveConfig(opts);
      const ns = opts.namespace as string | undefined;
      if (ns !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns))
        throw ERR_INVALID_FLAG(`--namespace must be a DNS label, got ${JSON.stringify(ns)}`, { flag: '--namespace' });
      const [{ runOperator }, { closeOnSignals }] = await Promise.all([import('./operator-command.js'), import('../core/server.js')]);
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
        ...cappingEstimator(opts),
      });
      closeOnSignals(running, log);
    }),
  );
}
