/**
 * @module estimator/command
 * `powerplane estimator` (the WAO-compatible API server, default 0.0.0.0:5656; `--web.ui` also serves the
 * dashboard page) and `powerplane estimate`
 * (the client, as WAO's estimator-cli: `powerplane estimate -p 500,5 pc` prints `[5 9 13 15 16]`; when the
 * curve has +Inf, why, per node, on stderr).
 */
import { Option, type Command } from 'commander';
import { addConfigOptions, resolveConfig, action } from '../core/cli-common.js';
import { WEB_SERVER_KEYS } from '../core/web-keys.js';
import { ERR_INVALID_FLAG, errorMessage } from '../core/errors.js';
import { curlCommand, estimateUrl, explainUrl, formatGoSlice, infiniteReport, requestEstimate, EstimatorApiError } from './client.js';

/** Default listen address of `powerplane estimator`. */
export const ESTIMATOR_LISTEN_ADDRESS = '0.0.0.0:5656';

/** Options of `powerplane estimate`. */
interface EstimateOptions {
  address: string;
  namespace: string;
  name: string;
  params: string;
  header?: string[];
  apiKey?: string;
  verbose?: boolean;
  output: string;
  explain?: boolean;
}

/** Registers `estimator` and `estimate`. */
export function registerEstimatorCommands(program: Command): void {
  const server = program.command('estimator').description(`run the WAO-compatible power-consumption estimator (default ${ESTIMATOR_LISTEN_ADDRESS})`);
  server.option('--config <file>', 'estimator config file: estimators and nodes (same as --estimator.config-file)');
  addConfigOptions(server, ['log.', ...WEB_SERVER_KEYS, 'web.ui', 'kube.enable', 'kube.config', 'estimator.']);
  server.action(
    action(async (opts: Record<string, unknown>) => {
      if (typeof opts.config === 'string') opts['estimator.configFile'] = opts.config;
      const { config, log } = resolveConfig(opts, { 'web.listenAddress': [ESTIMATOR_LISTEN_ADDRESS] });
      const ctx = { config, log };
      // The server side loads when the command runs, so `estimator --help` and `estimate` do not pay for it.
      const [{ createEstimatorComponent }, { createDashboardComponent }, { webServerOptions }, { createServer, closeOnSignals }] = await Promise.all([
        import('./component.js'),
        import('../dashboard/component.js'),
        import('../core/web-config.js'),
        import('../core/server.js'),
      ]);
      const components = [await createEstimatorComponent(ctx)];
      if (config.web.ui) components.push(await createDashboardComponent(ctx));
      const web = await webServerOptions(config);
      const srv = await createServer({ log, components, ...web });
      closeOnSignals(srv, log);
      const url = await srv.listen(config.web.listenAddress);
      web.watch(srv, log);
      log.info({ url }, 'estimator listening');
    }),
  );

  program
    .command('estimate')
    .description('ask an estimator how many watts N workloads add (WAO estimator-cli): powerplane estimate -p 500,5 pc')
    .argument('<command>', 'pc (power consumption), the only command')
    .option('-a, --address <url>', 'estimator address', 'http://localhost:5656')
    .option('-n, --namespace <ns>', "Estimator namespace (or namespace/name, as WAO's -n)", 'default')
    .option('--name <name>', 'Estimator name', 'default')
    .option('-p, --params <cpu_milli,num_workloads>', 'request: mCPU per workload and number of workloads', '500,5')
    .option('-H, --header <header>', "extra header 'Key: Value' (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .option('--api-key <key>', 'X-API-KEY header value')
    .option('-v, --verbose', 'print the request and the equivalent curl command to stderr')
    .addOption(new Option('-o, --output <format>', 'text ([5 9 13 15 16]) or json (the API answer)').choices(['text', 'json']).default('text'))
    .option('--explain', 'with -o json: include the placement per k')
    .action(
      action(async (cmdName: string, opts: EstimateOptions) => {
        if (cmdName !== 'pc') throw ERR_INVALID_FLAG(`unknown command ${JSON.stringify(cmdName)}: the only command is pc`, { flag: '<command>' });
        const m = /^\s*(\d{1,9})\s*,\s*(\d{1,9})\s*$/.exec(opts.params);
        if (!m)
          throw ERR_INVALID_FLAG(`-p must be <cpu_milli>,<num_workloads> (non-negative integers), got ${JSON.stringify(opts.params)}`, {
            flag: '-p',
          });
        let address: URL;
        try {
          address = new URL(opts.address);
          if (address.protocol !== 'http:' && address.protocol !== 'https:') throw new Error('scheme');
        } catch {
          throw ERR_INVALID_FLAG(`--address must be an http(s) URL, got ${JSON.stringify(opts.address)}`, { flag: '--address' });
        }
        let [namespace, name] = [opts.namespace, opts.name];
        if (namespace.includes('/')) [namespace, name] = namespace.split('/', 2) as [string, string];
        if (!namespace || !name) throw ERR_INVALID_FLAG('--namespace/--name must not be empty', { flag: '--namespace' });
        const headers: Record<string, string> = {};
        for (const h of opts.header ?? []) {
          const i = h.indexOf(':');
          if (i <= 0) throw ERR_INVALID_FLAG(`-H must be 'Key: Value', got ${JSON.stringify(h)}`, { flag: '-H' });
          headers[h.slice(0, i).trim()] = h.slice(i + 1).trim();
        }
        if (opts.apiKey) headers['X-API-KEY'] = opts.apiKey;
        const body = { cpu_milli: Number(m[1]), num_workloads: Number(m[2]) };
        const url = estimateUrl(address.toString(), namespace, name) + (opts.explain ? '?explain=true' : '');
        if (opts.verbose) {
          process.stderr.write(
            `INFO: estimator=${namespace}/${name} address=${address.origin} cpu_milli=${body.cpu_milli} num_workloads=${body.num_workloads}\n`,
          );
          process.stderr.write(`DEBUG: ${curlCommand(url, JSON.stringify(body), headers)}\n`);
        }
        try {
          if (opts.output === 'json') {
            const res = await fetch(url, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...headers },
              body: JSON.stringify(body),
              signal: AbortSignal.timeout(15_000),
            });
            const text = await res.text();
            if (res.status !== 200) {
              process.stderr.write(text + '\n');
              process.exit(1);
            }
            process.stdout.write(text + '\n');
            return;
          }
          const pc = await requestEstimate(url, body, headers);
          process.stdout.write(formatGoSlice(pc.watt_increases) + '\n');
          if (pc.watt_increases.includes(Infinity)) {
            // stdout stays WAO's; why +Inf goes to stderr, from the explained answer
            let reasons = pc.infinite_reasons;
            if (!reasons)
              reasons = await requestEstimate(explainUrl(url), body, headers).then(
                (r) => r.infinite_reasons,
                () => undefined,
              );
            process.stderr.write(infiniteReport(pc.watt_increases, body.cpu_milli, reasons));
          }
        } catch (err) {
          if (err instanceof EstimatorApiError) {
            process.stderr.write(`ERROR: HTTP ${err.status}\n  code: ${err.code}\n  message: ${err.message}\n`);
          } else {
            process.stderr.write(`ERROR: ${errorMessage(err)}\n`);
          }
          process.exit(1);
        }
      }),
    );
}
