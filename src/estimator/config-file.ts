/**
 * @module estimator/config-file
 * The standalone estimator's YAML file (`powerplane estimator --config FILE`):
 * `{estimators: [{namespace, name, spec}], nodes: [{name, labels, allocatable: {cpu}, address}]}`.
 * Every error names the file, the line and the path of the bad field
 * (e.g. `estimators[0].spec.defaultNodeConfig.nodeMonitor.refreshInterval`) and exits 2.
 */
import { Type } from 'typebox';
import { ERR_INVALID_CONFIG } from '../core/errors.js';
import { parseYamlChecked, readTextFile } from '../core/yaml-file.js';
import { durationBelow } from '../core/duration.js';
import { EstimatorSpecSchema, MIN_REFRESH_MS, type EstimatorSpec } from './spec.js';
import { parseCpuMilli } from './monitors/quantity.js';
import type { NodeInfo } from './types.js';

/** Largest config file accepted. */
const MAX_FILE_BYTES = 16 << 20;
const NAME = { minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' };

/** The file's schema. */
export const EstimatorFileSchema = Type.Object(
  {
    estimators: Type.Array(
      Type.Object({ namespace: Type.String(NAME), name: Type.String(NAME), spec: EstimatorSpecSchema }, { additionalProperties: false }),
      { maxItems: 1000 },
    ),
    nodes: Type.Optional(
      Type.Array(
        Type.Object(
          {
            name: Type.String(NAME),
            labels: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1024 }))),
            allocatable: Type.Optional(
              Type.Object({ cpu: Type.Union([Type.String({ maxLength: 64 }), Type.Number({ minimum: 0 })]) }, { additionalProperties: true }),
            ),
            address: Type.Optional(Type.String({ maxLength: 255 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100_000 },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A loaded file. */
export interface EstimatorFile {
  estimators: { namespace: string; name: string; spec: EstimatorSpec }[];
  nodes: NodeInfo[];
}

/** `/estimators/0/spec/x` → `estimators[0].spec.x`. */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

/** Parses and validates the file's text; `file` names it in errors. */
export function parseEstimatorFile(text: string, file: string): EstimatorFile {
  const { data: raw, fail } = parseYamlChecked(EstimatorFileSchema, text, file, ERR_INVALID_CONFIG, 'key');
  const seen = new Set<string>();
  raw.estimators.forEach((est, i) => {
    const key = `${est.namespace}/${est.name}`;
    if (seen.has(key)) fail(['estimators', i, 'name'], `estimator ${key} is listed twice`);
    seen.add(key);
    const configs = [
      ['defaultNodeConfig', est.spec.defaultNodeConfig] as const,
      ...Object.entries(est.spec.nodeConfigOverrides ?? {}).map(([n, c]) => [`nodeConfigOverrides.${n}`, c] as const),
    ];
    for (const [where, cfg] of configs) {
      const ri = cfg?.nodeMonitor?.refreshInterval;
      const segs = [
        'estimators',
        i,
        'spec',
        ...where.split('.').slice(0, 1),
        ...(where.includes('.') ? [where.slice(where.indexOf('.') + 1)] : []),
        'nodeMonitor',
        'refreshInterval',
      ];
      const below = ri === undefined ? undefined : durationBelow(ri, MIN_REFRESH_MS);
      if (below) fail(segs, below);
    }
  });
  const names = new Set<string>();
  const nodes = (raw.nodes ?? []).map((n, i): NodeInfo => {
    if (names.has(n.name)) fail(['nodes', i, 'name'], `node ${n.name} is listed twice`);
    names.add(n.name);
    let allocatableMilli: number | undefined;
    if (n.allocatable?.cpu !== undefined) {
      allocatableMilli = parseCpuMilli(n.allocatable.cpu);
      if (allocatableMilli === undefined) fail(['nodes', i, 'allocatable', 'cpu'], `not a CPU quantity: ${JSON.stringify(n.allocatable.cpu)}`);
    }
    return { name: n.name, labels: n.labels ?? {}, allocatableMilli, address: n.address };
  });
  return { estimators: raw.estimators.map((e) => ({ namespace: e.namespace, name: e.name, spec: e.spec })), nodes };
}

/** Reads and validates the file at `path`. */
export function loadEstimatorFile(path: string): EstimatorFile {
  return parseEstimatorFile(readTextFile(path, 'estimator config', MAX_FILE_BYTES), path);
}
