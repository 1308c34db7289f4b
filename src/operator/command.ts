/**
 * @module operator/command
 * `powerplane operator` (controllers, webhook, leader election) and `powerplane render` (install
 * manifests as YAML).
 */
import { Option, type Command } from 'commander';
import { action } from '../core/cli-common.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { renderManifests, defaultImage, unpublishedImageWarning } from './render.js';
import { DEFAULT_OPERATOR_NAMESPACE, type InstallOptions } from './components/install.js';
import { DEFAULT_KUBE_SCHEDULER_VERSION, SCHEDULER_NAME, kubeSchedulerImage } from './components/scheduler.js';
import { registerOperatorCommand } from './operator-command.js';

const NAMESPACE_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Registers `operator` and `render`. */
export function registerOperatorCommands(program: Command): void {
  registerOperatorCommand(program);
  program
    .command('render')
    .description('print the install manifests (CRDs, namespace, RBAC, operator Deployment, webhook) as YAML for kubectl apply -f -; --scheduler adds the power-aware secondary scheduler')
    .option('--namespace <ns>', 'namespace of the operator', DEFAULT_OPERATOR_NAMESPACE)
    .option('--image <image>', 'image of the operator and its operands', defaultImage())
    .option('--crds-only', 'print only the CustomResourceDefinitions')
    .option('--scheduler', `add the secondary scheduler ${SCHEDULER_NAME} (kube-scheduler with the estimator as extender), in --namespace`)
    .option('--scheduler-version <version>', 'Kubernetes version of the kube-scheduler image (use the cluster\'s: kubectl version)', DEFAULT_KUBE_SCHEDULER_VERSION)
    .option('--scheduler-image <image>', 'kube-scheduler image (default: registry.k8s.io/kube-scheduler:<--scheduler-version>)')
    .addOption(new Option('--scheduler-policy <policy>', 'placement policy of the scheduler\'s extender').choices(['watts', 'spread', 'temperature']).default('watts'))
    .option('--scheduler-estimator-url <url>', 'base URL of the estimator the scheduler asks', 'http://powerplane-estimator.powerplane.svc:5656')
    .action(
      action((opts: RenderOptions) => {
        if (!NAMESPACE_RE.test(opts.namespace) || opts.namespace.length > 63) throw ERR_INVALID_FLAG(`--namespace must be a DNS label, got ${JSON.stringify(opts.namespace)}`, { flag: '--namespace' });
        if (!/^[^\s]{3,}$/.test(opts.image)) throw ERR_INVALID_FLAG(`--image must be an image reference, got ${JSON.stringify(opts.image)}`, { flag: '--image' });
        let scheduler: InstallOptions['scheduler'];
        if (opts.scheduler) {
          if (!/^v?\d+\.\d+\.\d+$/.test(opts.schedulerVersion)) throw ERR_INVALID_FLAG(`--scheduler-version must be a Kubernetes version such as v1.31.0, got ${JSON.stringify(opts.schedulerVersion)}`, { flag: '--scheduler-version' });
          if (opts.schedulerImage !== undefined && !/^[^\s]{3,}$/.test(opts.schedulerImage)) throw ERR_INVALID_FLAG(`--scheduler-image must be an image reference, got ${JSON.stringify(opts.schedulerImage)}`, { flag: '--scheduler-image' });
          if (!/^https?:\/\/[^\s/]+(\/[^\s?#]*)?$/.test(opts.schedulerEstimatorUrl)) throw ERR_INVALID_FLAG(`--scheduler-estimator-url must be an http(s) URL, got ${JSON.stringify(opts.schedulerEstimatorUrl)}`, { flag: '--scheduler-estimator-url' });
          scheduler = { image: opts.schedulerImage ?? kubeSchedulerImage(opts.schedulerVersion), estimatorUrl: opts.schedulerEstimatorUrl, policy: opts.schedulerPolicy };
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
