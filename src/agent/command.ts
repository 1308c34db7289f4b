/**
 * @module agent/command
 * `powerplane agent`: the node agent alone (a DaemonSet pod, or one Linux machine), listening on
 * 0.0.0.0:28282 by default with Kepler's flags.
 */
import type { Command } from 'commander';
import { addConfigOptions, resolveConfig, action, reloadOnChange } from '../core/cli-common.js';
import { createServer, closeOnSignals, WEB_SERVER_KEYS } from '../core/server.js';
import { webServerOptions } from '../core/web-config.js';
import type { Component, ComponentContext } from '../core/component.js';
import { createAgentComponent } from './component.js';
import { resolveNodeName } from './build.js';
import { loadNodeSettings, withNodeSettings } from './node-settings.js';
import { createDashboardComponent } from '../dashboard/component.js';

/** Default listen address of `powerplane agent`. */
export const AGENT_LISTEN_ADDRESS = '0.0.0.0:28282';

/** Config keys (and prefixes) of the node agent itself, besides the web server's: shared by `agent` and `up`. */
export const AGENT_NODE_KEYS = [
  'log.',
  'host.',
  'monitor.',
  'kube.',
  'metrics',
  'meter',
  'model.',
  'platform.',
  'gpu.',
  'attribution.',
  'calibration.',
  'dashboard.',
];

/** Config keys (and prefixes) the agent command takes as flags. */
export const AGENT_CONFIG_KEYS = [...AGENT_NODE_KEYS, ...WEB_SERVER_KEYS, 'web.ui'];

/** Registers `powerplane agent`. */
export function registerAgentCommands(program: Command): void {
  const cmd = program
    .command('agent')
    .description(`run the node agent: per-process, container, pod and VM energy with Kepler-compatible /metrics (default ${AGENT_LISTEN_ADDRESS})`);
  addConfigOptions(cmd, AGENT_CONFIG_KEYS);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      const defaults = { 'web.listenAddress': [AGENT_LISTEN_ADDRESS] };
      const resolved = resolveConfig(opts, defaults);
      const log = resolved.log;
      // this node's own settings (PowerMonitor spec.agent.nodeSettingsSecretRef) go over every loaded config
      const nodeSettings = await loadNodeSettings(resolved.config, resolveNodeName(resolved.config), log);
      const config = withNodeSettings(resolved.config, nodeSettings);
      const ctx: ComponentContext = { config, log };
      const agent = await createAgentComponent(ctx);
      ctx.agent = agent.handle;
      const components: Component[] = [agent];
      if (config.web.ui) components.push(await createDashboardComponent(ctx));
      const web = await webServerOptions(config);
      const server = await createServer({ log, components, ...web });
      closeOnSignals(server, log);
      const url = await server.listen(config.web.listenAddress);
      web.watch(server, log);
      log.info({ urls: server.urls() }, 'agent listening');
      // The PowerMonitor's collect/export sections arrive as an updated config file (ConfigMap).
      reloadOnChange(opts, defaults, log, (next) => agent.reconfigure(withNodeSettings(next, nodeSettings)));
      process.stdout.write(`powerplane agent listening on ${server.urls().join(', ')} (metrics at ${url}/metrics)\n`);
    }),
  );
}
