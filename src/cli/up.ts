/**
 * @module cli/up
 * `powerplane up`: everything for one machine in one process, on one port (127.0.0.1:28282):
 * the agent, the model server, the estimator (serving `default/default` for this machine) and the
 * dashboard at `/`.
 */
import type { Command } from 'commander';
import { addConfigOptions, resolveConfig, action, reloadOnChange } from '../core/cli-common.js';
import { createServer, closeOnSignals, WEB_SERVER_KEYS } from '../core/server.js';
import { webServerOptions } from '../core/web-config.js';
import type { Component, ComponentContext } from '../core/component.js';
import { createAgentComponent } from '../agent/component.js';
import { AGENT_NODE_KEYS } from '../agent/command.js';
import { createModelServerComponent } from '../modelserver/component.js';
import { createEstimatorComponent } from '../estimator/component.js';
import { createDashboardComponent } from '../dashboard/component.js';

/** Default listen address of `up`: loopback only, since it needs no cluster. */
export const UP_LISTEN_ADDRESS = '127.0.0.1:28282';

/** Registers `powerplane up`. */
export function registerUpCommand(program: Command): void {
  const cmd = program.command('up').description(`run agent, model server, estimator and dashboard for this machine (default ${UP_LISTEN_ADDRESS})`);
  addConfigOptions(cmd, [...AGENT_NODE_KEYS, ...WEB_SERVER_KEYS, 'web.insecureNoAuth', 'modelServer.', 'estimator.']);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      // One machine: every level, per-process series included (the agent alone keeps process series opt-in).
      const defaults = { 'web.listenAddress': [UP_LISTEN_ADDRESS], 'web.ui': true, metrics: ['node', 'process', 'container', 'pod', 'vm'] };
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
      const web = await webServerOptions(config);
      const server = await createServer({ log, components, ...web });
      closeOnSignals(server, log);
      baseUrl = await server.listen(config.web.listenAddress, {
        hint: `(with npm: npm start -- --web.listen-address=127.0.0.1:${nextPort(config.web.listenAddress[0])})`,
      });
      web.watch(server, log);
      reloadOnChange(opts, defaults, log, (next) => agent.reconfigure(next));
      log.info({ urls: server.urls() }, 'powerplane is up');
      process.stdout.write(
        `powerplane is up: open ${baseUrl}/ (metrics at ${baseUrl}/metrics${server.urls().length > 1 ? `; also listening on ${server.urls().slice(1).join(', ')}` : ''})\n`,
      );
    }),
  );
}

/** The port after the one in `address` (a suggestion when it is taken). */
function nextPort(address: string): number {
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 28282);
  return port >= 65535 || port === 0 ? 28283 : port + 1;
}
