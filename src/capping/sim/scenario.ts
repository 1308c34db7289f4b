/**
 * @module capping/sim/scenario
 * The simulator's scenario file (`docs/capping-simulator.md`): nodes, workloads with a demand curve, an
 * autoscaler rule and a replica power model, a budget and thresholds as in a PowerCapPolicy.
 */
import { Type, type Static } from 'typebox';
import { parseDuration } from '../../core/duration.js';
import { parseYamlChecked, readTextFile } from '../../core/yaml-file.js';
import { CapActionSchema, TargetKindSchema } from '../algorithm/types.js';
import { ERR_CAPPING_INVALID_SCENARIO } from '../errors.js';

const Positive = (description?: string) => Type.Number({ exclusiveMinimum: 0, description });
const NonNeg = (description?: string) => Type.Number({ minimum: 0, description });
const Name = Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' });
const Percent = Type.Object(
  { percent: Type.Number({ exclusiveMinimum: 0, maximum: 100 }), window: Type.Optional(Type.String({ maxLength: 32 })) },
  { additionalProperties: false },
);

/** The scenario document's schema. */
export const ScenarioSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    seed: Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1 }),
    durationSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 7 * 86_400 }),
    stepSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3600 }),
    intervalSeconds: Type.Optional(Positive('How often the capper runs (default: the multiple of stepSeconds nearest 30 s)')),
    budget: Type.Union([
      Type.Object({ watts: Positive() }, { additionalProperties: false }),
      Type.Object({ percentOfPeak: Percent }, { additionalProperties: false }),
      Type.Object({ percentOfAverage: Percent }, { additionalProperties: false }),
    ]),
    includeIdle: Type.Optional(Type.Boolean()),
    thresholds: Type.Optional(
      Type.Object(
        {
          act: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
          release: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
          cooldownSeconds: Type.Optional(NonNeg()),
          stabilizationWindowSeconds: Type.Optional(NonNeg()),
        },
        { additionalProperties: false },
      ),
    ),
    actions: Type.Optional(Type.Array(CapActionSchema, { maxItems: 5 })),
    noise: Type.Optional(Type.Object({ wattsFraction: Type.Number({ minimum: 0, maximum: 0.5 }) }, { additionalProperties: false })),
    warmStart: Type.Optional(
      Type.Boolean({ description: 'The recommender starts with a history of each workload at loads across its capacity (default true)' }),
    ),
    nodes: Type.Array(
      Type.Object(
        { name: Name, count: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })), idleWatts: NonNeg(), maxWatts: Positive() },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    workloads: Type.Array(
      Type.Object(
        {
          name: Name,
          kind: Type.Optional(TargetKindSchema),
          replicas: Type.Integer({ minimum: 0, maximum: 10_000 }),
          minReplicas: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
          maxReplicas: Type.Integer({ minimum: 1, maximum: 10_000 }),
          priority: Type.Optional(Type.Number()),
          capacityPerReplica: Positive('Load units one replica serves'),
          replicaWatts: Type.Object({ idle: NonNeg(), perUnit: NonNeg() }, { additionalProperties: false }),
          readySeconds: Type.Optional(NonNeg()),
          demand: Type.Array(Type.Tuple([NonNeg(), NonNeg()]), { minItems: 1, maxItems: 100_000 }),
          autoscaler: Type.Object(
            { targetPerReplica: Positive(), scaleDownStabilizationSeconds: Type.Optional(NonNeg()) },
            { additionalProperties: false },
          ),
          performance: Type.Optional(Type.Boolean({ description: 'Whether work per replica and demand reach the algorithm (default true)' })),
          metricsMissing: Type.Optional(
            Type.Union([Type.Boolean(), Type.Array(Type.Tuple([NonNeg(), NonNeg()]), { maxItems: 1000 })], {
              description: 'true, or [from, to) seconds without power data for this workload',
            }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export type ScenarioFile = Static<typeof ScenarioSchema>;

/** A workload with every default applied. */
export interface Workload {
  name: string;
  kind: Static<typeof TargetKindSchema>;
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  priority: number;
  capacityPerReplica: number;
  replicaWatts: { idle: number; perUnit: number };
  readySeconds: number;
  demand: Array<[number, number]>;
  autoscaler: { targetPerReplica: number; scaleDownStabilizationSeconds: number };
  performance: boolean;
  metricsMissing: Array<[number, number]>;
}

/** A scenario with every default applied and the budget in one of its three forms. */
export interface Scenario {
  name: string;
  seed: number;
  durationSeconds: number;
  stepSeconds: number;
  intervalSeconds: number;
  budget: { watts: number } | { percentOfPeak: number } | { percentOfAverage: number };
  includeIdle: boolean;
  thresholds: { act: number; release: number; cooldownSeconds: number; stabilizationWindowSeconds: number };
  actions: Array<Static<typeof CapActionSchema>>;
  noiseFraction: number;
  warmStart: boolean;
  nodes: Array<{ name: string; idleWatts: number; maxWatts: number }>;
  workloads: Workload[];
}

/** Parses and checks a scenario; `file` names it in errors (ERR_CAPPING_INVALID_SCENARIO, exit 2). */
export function parseScenario(text: string, file: string): Scenario {
  const { data: s, fail } = parseYamlChecked(ScenarioSchema, text, file, ERR_CAPPING_INVALID_SCENARIO);
  if (s.stepSeconds > s.durationSeconds) fail(['stepSeconds'], 'must not exceed durationSeconds');
  const interval = s.intervalSeconds ?? s.stepSeconds * Math.max(1, Math.round(30 / s.stepSeconds));
  if (Math.abs(interval / s.stepSeconds - Math.round(interval / s.stepSeconds)) > 1e-9)
    fail(['intervalSeconds'], 'must be a multiple of stepSeconds');
  const act = s.thresholds?.act ?? 0.95;
  const release = s.thresholds?.release ?? 0.8;
  if (!(release < act)) fail(['thresholds', 'release'], `must be below act (${act})`);
  for (const form of ['percentOfPeak', 'percentOfAverage'] as const) {
    const p = (s.budget as Record<string, { window?: string } | undefined>)[form];
    if (p?.window !== undefined && parseDuration(p.window) === undefined)
      fail(['budget', form, 'window'], `not a duration: ${JSON.stringify(p.window)}`);
  }
  const names = new Set<string>();
  const workloads = s.workloads.map((w, i): Workload => {
    if (names.has(w.name)) fail(['workloads', i, 'name'], `${w.name} is listed twice`);
    names.add(w.name);
    const min = w.minReplicas ?? 1;
    if (min > w.maxReplicas) fail(['workloads', i, 'minReplicas'], `above maxReplicas (${w.maxReplicas})`);
    if (w.replicas > w.maxReplicas) fail(['workloads', i, 'replicas'], `above maxReplicas (${w.maxReplicas})`);
    for (let k = 1; k < w.demand.length; k++) if (w.demand[k][0] <= w.demand[k - 1][0]) fail(['workloads', i, 'demand', k], 'times must increase');
    const missing =
      w.metricsMissing === true
        ? [[0, Infinity] as [number, number]]
        : w.metricsMissing === false || w.metricsMissing === undefined
          ? []
          : w.metricsMissing.map(([a, b]) => [a, b] as [number, number]);
    return {
      name: w.name,
      kind: w.kind ?? 'ScaledObject',
      replicas: w.replicas,
      minReplicas: min,
      maxReplicas: w.maxReplicas,
      priority: w.priority ?? 0,
      capacityPerReplica: w.capacityPerReplica,
      replicaWatts: w.replicaWatts,
      readySeconds: w.readySeconds ?? 0,
      demand: w.demand.map(([t, d]) => [t, d] as [number, number]),
      autoscaler: { targetPerReplica: w.autoscaler.targetPerReplica, scaleDownStabilizationSeconds: w.autoscaler.scaleDownStabilizationSeconds ?? 0 },
      performance: w.performance ?? true,
      metricsMissing: missing,
    };
  });
  const nodes = s.nodes.flatMap((n) =>
    (n.count ?? 1) === 1
      ? [{ name: n.name, idleWatts: n.idleWatts, maxWatts: n.maxWatts }]
      : Array.from({ length: n.count ?? 1 }, (_, k) => ({ name: `${n.name}-${k}`, idleWatts: n.idleWatts, maxWatts: n.maxWatts })),
  );
  const b = s.budget as { watts?: number; percentOfPeak?: { percent: number }; percentOfAverage?: { percent: number } };
  return {
    name: s.name ?? file.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
    seed: s.seed,
    durationSeconds: s.durationSeconds,
    stepSeconds: s.stepSeconds,
    intervalSeconds: interval,
    budget:
      b.watts !== undefined
        ? { watts: b.watts }
        : b.percentOfPeak
          ? { percentOfPeak: b.percentOfPeak.percent }
          : { percentOfAverage: (b.percentOfAverage as { percent: number }).percent },
    includeIdle: s.includeIdle ?? false,
    thresholds: {
      act,
      release,
      cooldownSeconds: s.thresholds?.cooldownSeconds ?? 120,
      stabilizationWindowSeconds: s.thresholds?.stabilizationWindowSeconds ?? 300,
    },
    actions: s.actions ?? ['LimitReplicas', 'Alert'],
    noiseFraction: s.noise?.wattsFraction ?? 0.02,
    warmStart: s.warmStart ?? true,
    nodes,
    workloads,
  };
}

/** Reads and parses a scenario file. */
export function loadScenario(path: string): Scenario {
  return parseScenario(readTextFile(path, 'scenario'), path);
}

/** Demand of a workload at time `t`: linear between points, flat before the first and after the last. */
export function demandAt(w: Workload, t: number): number {
  const pts = w.demand;
  if (t <= pts[0][0]) return pts[0][1];
  for (let k = 1; k < pts.length; k++) {
    if (t <= pts[k][0]) {
      const [t0, d0] = pts[k - 1];
      const [t1, d1] = pts[k];
      return d0 + ((d1 - d0) * (t - t0)) / (t1 - t0);
    }
  }
  return pts[pts.length - 1][1];
}
