/**
 * @module operator/components/dashboards
 * Grafana dashboards as ConfigMaps labelled `grafana_dashboard: "1"`, the label the Grafana
 * sidecar (kube-prometheus-stack, grafana helm chart) watches to load dashboards.
 */
import type { V1ConfigMap } from '@kubernetes/client-node';
import type { KubeObject } from '../../kube/types.js';
import { componentLabels, NAMES } from './labels.js';

/** One dashboard file: its base name (without `.json`) and JSON text. */
export interface DashboardFile {
  name: string;
  json: string;
}

/** Builds one ConfigMap per dashboard in `namespace`. */
export function buildDashboardConfigMaps(dashboards: readonly DashboardFile[], namespace: string): KubeObject<V1ConfigMap>[] {
  return dashboards.map(
    (d): KubeObject<V1ConfigMap> => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${NAMES.dashboardPrefix}${d.name}`,
        namespace,
        labels: { ...componentLabels('dashboards'), grafana_dashboard: '1' },
      },
      data: { [`${d.name}.json`]: d.json },
    }),
  );
}
