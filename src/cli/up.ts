/**
 * @module cli/up
 * `powerplane up`: everything for one machine in one process, on one port (127.0.0.1:28282):
 * the agent, the model server, the estimator (serving `default/default` for this machine) and the
 * dashboard at `/`.
 */
import type { Command } from 'commander';
import { addConfigOptions, resolveConfig, action, reloadOnChange } from './common.js';
import { createServer, closeOnSignals } from '../core/server.js';
import type { Component, ComponentContext } from '../core/component.js';
import { createAgentComponent } from '../agent/component.js';
import { createModelServerComponent } from '../modelserver/component.js';
import { createEstimatorComponent } from '../estimator/component.js';
import { createDashboardComponent } from '../dashboard/component.js';

/** Default listen address of `up`: loopback only, since it needs no cluster. */
export const UP_LISTEN_ADDRESS = '127.0.0.1:28282';

/** Registers `powerplane up`. */
export function registerUpCommand(program: Command): void {
  const cmd = program.command('up').description(`run agent, model server, estimator and dashboard for this machine (default ${UP_LISTEN_ADDRESS})`);
  addConfigOptions(cmd, ['log.', 'host.', 'monitor.', 'web.listenAddress', 'kube.', 'metrics', 'meter', 'model.', 'platform.', 'gpu.', 'attribution.', 'calibration.', 'dashboard.', 'modelServer.', 'estimator.']);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      // One machine: every level, per-process series included (the agent alone keeps process series opt-in).
      const defaults = { 'web.listenAddress': UP_LISTEN_ADDRESS, 'web.ui': true, metrics: ['node', 'process', 'container', 'pod', 'vm'] };
      const { config, log } = resolveConfig(opts, defaults);
      let baseUrl = '';
      const ctx: ComponentContext = { config, log, selfUrl: () => baseUrl };
      const agent = await createAgentComponent(ctx);
      ctx.agent = agent.handle;
      const components: Component[] = [
        agent,
        await createModelServerComponent(ctx),
        await createEstimatorComponent(ctx),
        await createDashboardComponent(ctx),
      ];
      const server = await createServer({ log, components, bodyLimit: config.modelServer.maxBodyBytes });
      closeOnSignals(server, log);
      baseUrl = await server.listen(config.web.listenAddress);
      reloadOnChange(opts, defaults, log, (next) => agent.reconfigure(next));
      log.info({ url: baseUrl }, 'powerplane is up');
      process.stdout.write(`powerplane is up: open ${baseUrl}/ (metrics at ${baseUrl}/metrics)\n`);
    }),
  );
}
