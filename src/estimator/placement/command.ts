/**
 * @module estimator/placement/command
 * `powerplane place --cluster NAME=URL ... -p CPU_MILLI,N [-o json]`: asks each cluster's estimator and
 * prints the split of N workloads across the clusters that adds the fewest watts (WAOFed's job).
 * Text output is a table (cluster, workloads, watts added there) with the total; `-o json` prints the
 * same answer as `POST /placement`. Exit 1 when no split places all N workloads.
 */
import { Option, type Command } from 'commander';
import { action } from '../../core/cli-common.js';
import { ERR_INVALID_FLAG, PowerplaneError, errorMessage } from '../../core/errors.js';
import { formatGoFloat, decodeInf } from '../client.js';
import { checkCluster, placeAcrossClusters, type ClusterEndpoint, type PlacementAnswer } from './federation.js';

/** Options of `place`. */
interface PlaceOptions {
  cluster?: string[];
  params: string;
  estimator: string;
  apiKey?: string;
  output: 'text' | 'json';
  timeout: string;
}

/** The text table of an answer. */
export function formatPlacement(a: PlacementAnswer): string {
  const rows: string[][] = [['CLUSTER', 'WORKLOADS', 'WATTS', 'ERROR']];
  for (const c of a.clusters) {
    const k = a.placement?.[c.name] ?? 0;
    const w = k > 0 ? decodeInf(c.watt_increases[k - 1]) : 0;
    rows.push([c.name, String(k), formatGoFloat(w), c.error ?? '']);
  }
  rows.push([
    'total',
    a.placement ? String(a.num_workloads) : '-',
    formatGoFloat(decodeInf(a.total_watt_increase)),
    a.placement ? '' : `no split places ${a.num_workloads} workloads`,
  ]);
  const width = rows[0].map((_h, i) => Math.max(...rows.map((r) => r[i].length)));
  return (
    rows
      .map((r) =>
        r
          .map((v, i) => v.padEnd(width[i]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** Registers `place`. */
export function registerPlaceCommand(program: Command): void {
  program
    .command('place')
    .description(
      "split N workloads across clusters so they add the fewest watts, asking each cluster's estimator: powerplane place --cluster east=http://est-east:5656 --cluster west=http://est-west:5656 -p 500,5",
    )
    .option('--cluster <name=url>', 'a member cluster and its estimator URL (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('-p, --params <cpu_milli,num_workloads>', 'mCPU per workload and number of workloads', '500,5')
    .option('--estimator <namespace/name>', 'Estimator asked in every cluster', 'default/default')
    .option('--api-key <key>', 'X-API-KEY sent to every estimator')
    .option('--timeout <seconds>', 'per-cluster timeout in seconds', '15')
    .addOption(new Option('-o, --output <format>', 'text (a table) or json (as POST /placement)').choices(['text', 'json']).default('text'))
    .action(
      action(async (opts: PlaceOptions) => {
        const m = /^\s*(\d{1,9})\s*,\s*(\d{1,6})\s*$/.exec(opts.params);
        if (!m)
          throw ERR_INVALID_FLAG(`-p must be <cpu_milli>,<num_workloads> (non-negative integers), got ${JSON.stringify(opts.params)}`, {
            flag: '-p',
          });
        const timeout = Number(opts.timeout);
        if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600)
          throw ERR_INVALID_FLAG(`--timeout must be seconds in (0, 600], got ${JSON.stringify(opts.timeout)}`, { flag: '--timeout' });
        if (!opts.cluster?.length) throw ERR_INVALID_FLAG('at least one --cluster NAME=URL is needed', { flag: '--cluster' });
        const clusters: ClusterEndpoint[] = opts.cluster.map((spec) => {
          const i = spec.indexOf('=');
          if (i <= 0) throw ERR_INVALID_FLAG(`--cluster must be NAME=URL, got ${JSON.stringify(spec)}`, { flag: '--cluster' });
          try {
            return checkCluster({ name: spec.slice(0, i), endpoint: spec.slice(i + 1), estimator: opts.estimator, apiKey: opts.apiKey }, 'cluster');
          } catch (err) {
            const flag = err instanceof PowerplaneError && err.details.field === 'cluster.estimator' ? '--estimator' : '--cluster';
            throw ERR_INVALID_FLAG(
              `${flag} ${JSON.stringify(flag === '--estimator' ? opts.estimator : spec)}: ${errorMessage(err).replace(/^cluster\./, '')}`,
              { flag },
            );
          }
        });
        if (new Set(clusters.map((c) => c.name)).size !== clusters.length)
          throw ERR_INVALID_FLAG('--cluster names must be unique', { flag: '--cluster' });
        const answer = await placeAcrossClusters(clusters, Number(m[1]), Number(m[2]), timeout * 1000);
        process.stdout.write(opts.output === 'json' ? JSON.stringify(answer, null, 2) + '\n' : formatPlacement(answer));
        if (!answer.placement) process.exitCode = 1;
      }),
    );
}
