/**
 * @module kube/kubeconfig
 * Loads a client-node KubeConfig the way powerplane's commands need it: an explicit file, the
 * in-cluster service account, or `$KUBECONFIG` / `~/.kube/config`, and fails with PP_KUBE_CONFIG
 * (naming what was tried) instead of silently falling back to localhost:8080 as client-node does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ERR_KUBE_CONFIG } from './errors.js';
import { errorMessage } from '../core/errors.js';

/** Where to load the configuration from. */
export interface LoadKubeConfigOptions {
  /** A kubeconfig file; wins over everything else. */
  kubeconfig?: string;
  /** Use the in-cluster service account (token, CA, namespace under /var/run/secrets/kubernetes.io/serviceaccount). */
  inCluster?: boolean;
  /** Prefix before /var/run/secrets/kubernetes.io/serviceaccount (default ''); for tests. */
  rootDir?: string;
}

/** The loaded configuration and the namespace it points at. */
export interface LoadedKubeConfig {
  kubeConfig: KubeConfig;
  /** The context's namespace, the service account's namespace in cluster, or `default`. */
  namespace: string;
  /** Where it came from: `file:PATH`, `in-cluster`, `env:KUBECONFIG`. */
  source: string;
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Loads the Kubernetes client configuration.
 * Order: `kubeconfig` option → `inCluster` option → `$KUBECONFIG` → in-cluster when
 * `KUBERNETES_SERVICE_HOST` is set → `~/.kube/config`. Throws PP_KUBE_CONFIG when none works.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const env = process.env;
  const root = options.rootDir ?? '';
  const saDir = root + SA_DIR;
  const kc = new KubeConfig();
  let source: string;
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig))
        throw ERR_KUBE_CONFIG(`kubeconfig ${options.kubeconfig} does not exist`, { path: options.kubeconfig, flag: '--kubeconfig' });
      kc.loadFromFile(options.kubeconfig);
      source = `file:${options.kubeconfig}`;
    } else if (options.inCluster || (!env.KUBECONFIG && env.KUBERNETES_SERVICE_HOST)) {
      loadInCluster(kc, env, root);
      source = 'in-cluster';
    } else if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(':').filter((f) => f && existsSync(f));
      if (files.length === 0) throw ERR_KUBE_CONFIG(`no file named in $KUBECONFIG (${env.KUBECONFIG}) exists`, { key: 'KUBECONFIG' });
      kc.loadFromFile(files[0]);
      for (const f of files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(f);
        kc.mergeConfig(more);
      }
      source = 'env:KUBECONFIG';
    } else {
      const home = join(env.HOME ?? homedir(), '.kube', 'config');
      if (!existsSync(home)) {
        throw ERR_KUBE_CONFIG('no kubeconfig: pass --kubeconfig, set $KUBECONFIG, create ~/.kube/config, or run in a cluster', {
          flag: '--kubeconfig',
        });
      }
      kc.loadFromFile(home);
      source = `file:${home}`;
    }
  } catch (err) {
    if (ERR_KUBE_CONFIG.is(err)) throw err;
    throw ERR_KUBE_CONFIG(`cannot load Kubernetes configuration: ${errorMessage(err)}`, { path: options.kubeconfig }, { cause: err });
  }
  if (!kc.getCurrentCluster()) throw ERR_KUBE_CONFIG(`Kubernetes configuration from ${source} has no current cluster`, { path: options.kubeconfig });
  return { kubeConfig: kc, namespace: contextNamespace(kc, saDir, source), source };
}

function loadInCluster(kc: KubeConfig, env: NodeJS.ProcessEnv, root: string): void {
  const saDir = root + SA_DIR;
  if (!env.KUBERNETES_SERVICE_HOST || !env.KUBERNETES_SERVICE_PORT) {
    throw ERR_KUBE_CONFIG('not running in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set');
  }
  if (!existsSync(join(saDir, 'token'))) throw ERR_KUBE_CONFIG(`no service account token at ${join(saDir, 'token')}`, { path: join(saDir, 'token') });
  kc.loadFromCluster(root);
}

function contextNamespace(kc: KubeConfig, saDir: string, source: string): string {
  const ctx = kc.getContextObject(kc.getCurrentContext());
  if (ctx?.namespace?.trim()) return ctx.namespace.trim();
  if (source === 'in-cluster') {
    try {
      return readFileSync(join(saDir, 'namespace'), 'utf8').trim() || 'default';
    } catch {
      return 'default';
    }
  }
  return 'default';
}
