/**
 * @module operator/operator-command
 * `powerplane operator`: runs the controllers (with leader election when asked), the health
 * server (`/healthz`, `/readyz`) and, when it can be reached, the admission webhook over TLS.
 * In a cluster the webhook is registered at the operator's Service; outside a cluster only with
 * `--webhook-url` (an https URL the API server can reach); otherwise it is not registered and the
 * log says so. The log says when the API server becomes unreachable and when it answers again;
 * `/readyz` is 503 while the leader's caches are not synced or its API server is unreachable (see
 * OperatorManager.ready). cert-manager's CRD appearing or going switches the webhook's certificate
 * source at once.
 */
import { EstimatorNodeCosts } from './capping/node-costs.js';
import { createServer, parseListenAddress, type PowerplaneServer } from '../core/server.js';
import { ERR_INVALID_FLAG } from '../core/errors.js';
import { ERR_OPERATOR_KUBE } from './errors.js';
import { GROUP } from '../api/v1alpha1/common.js';
import type { Logger } from '../core/logger.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { KubeClient } from '../kube/client.js';
import { ApiConnectivity } from '../kube/connectivity.js';
import { CrdWatch, CERT_MANAGER_CRD } from './controller/crd-watch.js';
import { OperatorManager } from './controller/manager.js';
import { loadDashboardFiles } from './components/dashboard-files.js';
import { DEFAULT_OPERATOR_NAMESPACE, WEBHOOK_CERT_SECRET } from './components/install.js';
import { WEBHOOK_SERVICE_NAME, type WebhookTarget } from './webhook/configurations.js';
import { createWebhookComponent } from './webhook/component.js';
import { PodAdmission } from './capping/admission.js';
import { loadOrCreateCertificates } from './webhook/certs.js';
import { certManagerCertificates } from './webhook/cert-manager.js';
import { registerWebhooks } from './webhook/register.js';
import { serviceHosts } from './webhook/x509.js';
import type { Component } from '../core/component.js';

/** How often the webhook certificate is checked for renewal (12 h). */
const CERT_REFRESH_MS = 12 * 3600_000;

/** Options of {@link runOperator}. */
export interface OperatorOptions {
  kubeconfig?: string;
  namespace?: string;
  webhookListenAddress: string;
  webhookUrl?: string;
  healthListenAddress: string;
  leaderElect: boolean;
  image: string;
  log: Logger;
  /** Prometheus the capping loop reads pod power from (else the agents). */
  cappingPrometheusUrl?: string;
  /** Base URL of the estimator whose per-node curves rank Migrate destinations, and its Estimator (namespace/name). */
  cappingEstimator?: { url: string; estimator: string };
}

/** A running operator. */
export interface RunningOperator {
  manager: OperatorManager;
  healthUrl: string;
  webhookUrl?: string;
  close(): Promise<void>;
}

/** Where the webhook is reachable, or undefined when it cannot be registered. */
export function webhookTarget(opts: {
  webhookUrl?: string;
  inCluster: boolean;
  namespace: string;
}): { target: WebhookTarget; hosts: string[] } | undefined {
  if (opts.webhookUrl) {
    let u: URL;
    try {
      u = new URL(opts.webhookUrl);
    } catch {
      throw ERR_INVALID_FLAG(`--webhook-url must be a URL, got ${JSON.stringify(opts.webhookUrl)}`, { flag: '--webhook-url' });
    }
    if (u.protocol !== 'https:')
      throw ERR_INVALID_FLAG('--webhook-url must be https (the API server calls webhooks over TLS only)', { flag: '--webhook-url' });
    return { target: { url: opts.webhookUrl }, hosts: [u.hostname.replace(/^\[|\]$/g, '')] };
  }
  if (opts.inCluster)
    return {
      target: { service: { namespace: opts.namespace, name: WEBHOOK_SERVICE_NAME, port: 443 } },
      hosts: serviceHosts(WEBHOOK_SERVICE_NAME, opts.namespace),
    };
  return undefined;
}

/** Starts the operator. */
export async function runOperator(o: OperatorOptions): Promise<RunningOperator> {
  parseListenAddress(o.webhookListenAddress, '--webhook.listen-address');
  parseListenAddress(o.healthListenAddress, '--health.listen-address');
  const loaded = loadKubeConfig({ kubeconfig: o.kubeconfig });
  const inCluster = loaded.source === 'in-cluster';
  const namespace = o.namespace ?? (inCluster ? loaded.namespace : DEFAULT_OPERATOR_NAMESPACE);
  const where = webhookTarget({ webhookUrl: o.webhookUrl, inCluster, namespace });
  const server = loaded.kubeConfig.getCurrentCluster()?.server;
  const connectivity = new ApiConnectivity((c) => {
    if (c.reachable) o.log.info({ server, downMs: c.downMs }, 'Kubernetes API server reachable again');
    else o.log.warn({ server, err: c.error }, 'Kubernetes API server unreachable');
  });
  const kube = new KubeClient({ kubeConfig: loaded.kubeConfig, connectivity });
  if (!(await kube.getOrUndefined({ apiVersion: 'v1', kind: 'Namespace' }, namespace))) {
    throw ERR_OPERATOR_KUBE(`the operator namespace ${namespace} does not exist: create it (powerplane render includes it) or pass --namespace`, {
      flag: '--namespace',
    });
  }
  for (const plural of ['powermonitors', 'powernodes', 'estimators', 'powercappolicies']) {
    if (!(await kube.crdExists(GROUP, plural)))
      throw ERR_OPERATOR_KUBE(`the CRD ${plural}.${GROUP} is not installed: powerplane render --crds-only | kubectl apply -f -`);
  }
  const manager = new OperatorManager({
    kube,
    log: o.log,
    namespace,
    image: o.image,
    dashboards: loadDashboardFiles(),
    leaderElect: o.leaderElect,
    capping: { prometheusUrl: o.cappingPrometheusUrl, ...(o.cappingEstimator ? { nodeCosts: new EstimatorNodeCosts(o.cappingEstimator) } : {}) },
    connectivity,
  });

  const health: Component = {
    name: 'operator',
    routes(app) {
      app.get('/api/v1/operator', async () => ({
        leading: manager.leading,
        synced: manager.cache.synced(),
        apiServerReachable: connectivity.reachable,
        namespace,
        lastReconcile: manager.powerMonitors.lastStats,
      }));
      app.get('/metrics', async (_req, reply) =>
        reply.header('content-type', manager.cappingMetrics.registry.contentType).send(await manager.cappingMetrics.text()),
      );
    },
    start: () => manager.start(),
    stop: () => manager.stop(),
    isReady: () => manager.ready(),
  };
  const healthServer = await createServer({ log: o.log, components: [health] });
  const healthUrl = await healthServer.listen(o.healthListenAddress, { flag: '--health.listen-address' });
  o.log.info({ url: healthUrl, namespace, kube: loaded.source, leaderElect: o.leaderElect }, 'operator started');

  let webhookServer: PowerplaneServer | undefined;
  let certTimer: NodeJS.Timeout | undefined;
  let certManagerWatch: CrdWatch | undefined;
  let webhookUrl: string | undefined;
  if (where) {
    let useCertManager = await kube.crdExists('cert-manager.io', 'certificates');
    const obtain = () =>
      useCertManager
        ? certManagerCertificates(kube, { namespace, hosts: where.hosts })
        : loadOrCreateCertificates(kube, { namespace, secretName: WEBHOOK_CERT_SECRET, hosts: where.hosts, log: o.log });
    o.log.info({ source: useCertManager ? 'cert-manager' : 'self-signed CA' }, 'webhook certificates');
    const certs = await obtain();
    const pods = new PodAdmission({ kube, notifier: manager.capping.notifier, log: o.log.child({ webhook: 'capping' }) });
    // The API server calls the webhook by its Service (or --webhook-url) name: that is the Host it sends.
    webhookServer = await createServer({
      log: o.log,
      components: [createWebhookComponent({ pods })],
      https: { key: certs.serving.keyPem, cert: certs.serving.certPem },
      limits: { allowedHosts: where.hosts },
    });
    webhookUrl = await webhookServer.listen(o.webhookListenAddress, { flag: '--webhook.listen-address' });
    await registerWebhooks(kube, where.target, certs.ca.certPem);
    o.log.info({ url: webhookUrl, target: where.target }, 'admission webhooks registered');
    // Twice a day: renew the serving certificate when it nears expiry (or another replica or
    // cert-manager renewed it), serve the new one without a restart, and re-register (which also
    // restores a webhook configuration deleted by hand).
    let current = certs;
    const https = webhookServer;
    const refresh = () => {
      void (async () => {
        const withCertManager = await kube.crdExists('cert-manager.io', 'certificates');
        if (withCertManager !== useCertManager) o.log.info({ source: withCertManager ? 'cert-manager' : 'self-signed CA' }, 'webhook certificates');
        useCertManager = withCertManager;
        const next = await obtain();
        if (next.serving.certPem !== current.serving.certPem)
          (https.app.server as unknown as { setSecureContext(o: { key: string; cert: string }): void }).setSecureContext({
            key: next.serving.keyPem,
            cert: next.serving.certPem,
          });
        await registerWebhooks(kube, where.target, next.ca.certPem);
        current = next;
      })().catch((err: unknown) => o.log.warn({ err }, 'webhook certificate refresh failed'));
    };
    certTimer = setInterval(refresh, CERT_REFRESH_MS);
    certTimer.unref();
    certManagerWatch = new CrdWatch(kube, [CERT_MANAGER_CRD], (crd, served) => {
      o.log.info(
        { crd, served },
        served ? 'cert-manager installed: refreshing webhook certificates' : 'cert-manager removed: refreshing webhook certificates',
      );
      refresh();
    });
    await certManagerWatch.start();
  } else {
    o.log.warn(
      'running outside the cluster without --webhook-url: admission webhooks are not registered (the controllers still validate what they reconcile)',
    );
  }
  return {
    manager,
    healthUrl,
    webhookUrl,
    async close() {
      if (certTimer) clearInterval(certTimer);
      await certManagerWatch?.stop();
      await webhookServer?.close();
      await healthServer.close();
    },
  };
}
