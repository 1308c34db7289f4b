/**
 * @module capping/algorithms/registry
 * Algorithm names → factories and parameter schemas: the built-ins, then the catalog's plug-ins.
 * `createAlgorithm` is what the operator and the simulator call with `spec.algorithm`.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { CappingAlgorithm } from '../algorithm/types.js';
import { ERR_CAPPING_INVALID_PARAMETERS, ERR_CAPPING_UNKNOWN_ALGORITHM } from '../errors.js';
import { EMPTY_CATALOG, type Catalog } from '../plugins/catalog.js';
import { createHttpPlugin } from '../plugins/http-plugin.js';
import { EfficiencyParameters, createEfficiency } from './efficiency.js';
import { ForecastParameters, createForecast } from './forecast.js';
import { NaiveParameters, createNaive } from './naive.js';
import { PriorityParameters, createPriority } from './priority.js';
import { ProportionalParameters, createProportional } from './proportional.js';

/** The algorithm a policy gets when `spec.algorithm` is absent. */
export const DEFAULT_ALGORITHM = 'priority';

interface Builtin {
  description: string;
  parameters: TSchema;
  create(params: Record<string, unknown>): CappingAlgorithm;
}

const BUILTINS: Readonly<Record<string, Builtin>> = {
  naive: {
    description: "Climatik's rule: floor(budget / deployment watts) × replicas per target, 1 without data. Baseline only.",
    parameters: NaiveParameters,
    create: () => createNaive(),
  },
  proportional: {
    description: 'Shares the budget across targets by need, in whole replicas, floors first.',
    parameters: ProportionalParameters,
    create: (p) => createProportional(p),
  },
  priority: {
    description: 'Fills targets in priority order; the lowest priority is cut first.',
    parameters: PriorityParameters,
    create: (p) => createPriority(p),
  },
  efficiency: {
    description: 'Maximises useful work within the budget: an exact knapsack over replicas per target.',
    parameters: EfficiencyParameters,
    create: (p) => createEfficiency(p),
  },
  forecast: {
    description: 'Another built-in applied to the demand forecast at the next interval plus the readiness delay.',
    parameters: ForecastParameters,
    create: (p) => {
      const inner = (p.inner as string | undefined) ?? 'efficiency';
      return createForecast(BUILTINS[inner].create({}), p);
    },
  },
};

/** Names of the built-ins (reserved in catalogs). */
export const BUILTIN_NAMES: ReadonlySet<string> = new Set(Object.keys(BUILTINS));

/** What `cap algorithms list/show` prints about one algorithm. */
export interface AlgorithmInfo {
  name: string;
  kind: 'builtin' | 'plugin';
  description: string;
  version?: string;
  endpoint?: string;
  timeoutMs?: number;
  sha256?: string;
  /** JSON Schema of the parameters. */
  parameters: unknown;
}

/** Every algorithm: built-ins first, then the catalog's plug-ins. */
export function listAlgorithms(catalog: Catalog = EMPTY_CATALOG): AlgorithmInfo[] {
  const plain = (s: unknown) => JSON.parse(JSON.stringify(s)) as unknown;
  return [
    ...Object.entries(BUILTINS).map(
      ([name, b]): AlgorithmInfo => ({ name, kind: 'builtin', description: b.description, parameters: plain(b.parameters) }),
    ),
    ...catalog.entries.map(
      (e): AlgorithmInfo => ({
        name: e.name,
        kind: 'plugin',
        description: e.description ?? '',
        version: e.version,
        endpoint: e.endpoint,
        timeoutMs: e.timeoutMs,
        sha256: e.sha256,
        parameters: e.parameters ?? { type: 'object' },
      }),
    ),
  ];
}

/** One algorithm's info; ERR_CAPPING_UNKNOWN_ALGORITHM when there is none by that name. */
export function algorithmInfo(name: string, catalog: Catalog = EMPTY_CATALOG): AlgorithmInfo {
  const info = listAlgorithms(catalog).find((a) => a.name === name);
  if (!info) throw unknown(name, catalog);
  return info;
}

function unknown(name: string, catalog: Catalog) {
  const names = [...BUILTIN_NAMES, ...catalog.entries.map((e) => e.name)];
  return ERR_CAPPING_UNKNOWN_ALGORITHM(
    `no capping algorithm ${JSON.stringify(name)} (built-in or in ${catalog.source}); known: ${names.join(', ')}`,
    { field: 'algorithm.name' },
  );
}

/**
 * Creates the algorithm `name` with `parameters` (checked against its schema; defaults applied by the
 * algorithm). Throws ERR_CAPPING_UNKNOWN_ALGORITHM or ERR_CAPPING_INVALID_PARAMETERS naming the field.
 */
export function createAlgorithm(name: string, parameters: Record<string, unknown> = {}, catalog: Catalog = EMPTY_CATALOG): CappingAlgorithm {
  const builtin = Object.hasOwn(BUILTINS, name) ? BUILTINS[name] : undefined;
  const entry = catalog.entries.find((e) => e.name === name);
  if (!builtin && !entry) throw unknown(name, catalog);
  const schema = (builtin?.parameters ?? entry?.parameters ?? { type: 'object' }) as TSchema;
  const first = [...Value.Errors(schema, parameters)][0];
  if (first) {
    const extra = (first.params as { additionalProperties?: string[] }).additionalProperties?.[0];
    const field = ['algorithm.parameters', ...first.instancePath.split('/').slice(1), ...(extra ? [extra] : [])].join('.');
    throw ERR_CAPPING_INVALID_PARAMETERS(`${field}: ${extra ? 'unknown parameter' : first.message} (algorithm ${name})`, { field });
  }
  return builtin ? builtin.create(parameters) : createHttpPlugin(entry as NonNullable<typeof entry>, parameters);
}
