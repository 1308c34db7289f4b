/**
 * @module agent/command
 * `powerplane agent`: the node agent alone (a DaemonSet pod, or one Linux machine), listening on
 * 0.0.0.0:28282 by default with Kepler's flags.
 */
import type { Command } from 'commander';
import { addConfigOptions, resolveConfig, action } from '../cli/common.js';
import { createServer, closeOnSignals } from '../core/server.js';
import type { Component, ComponentContext } from '../core/component.js';
import { createAgentComponent } from './component.js';
import { watchConfigFile } from './config-watch.js';
import { createDashboardComponent } from '../dashboard/component.js';
import { CONFIG_KEYS } from '../core/config-keys.js';
import { flagForKey, loadConfig } from '../core/config.js';

/** Default listen address of `powerplane agent`. */
export const AGENT_LISTEN_ADDRESS = '0.0.0.0:28282';

/** Config keys (and prefixes) the agent command takes as flags. */
export const AGENT_CONFIG_KEYS = ['log.', 'host.', 'monitor.', 'web.', 'kube.', 'metrics', 'meter', 'model.', 'platform.', 'gpu.', 'attribution.', 'calibration.', 'dashboard.'];

/** Raw flag values by config key, from commander's parsed options (`--web.listen-address` → `web.listenAddress`). */
function flagValues(opts: Record<string, unknown>): Record<string, string | boolean | undefined> {
  const flags: Record<string, string | boolean | undefined> = {};
  for (const { key } of CONFIG_KEYS) {
    const attr = flagForKey(key).replace(/^--/, '').replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (opts[attr] !== undefined) flags[key] = opts[attr] as string | boolean;
  }
  return flags;
}

/** Registers `powerplane agent`. */
export function registerAgentCommands(program: Command): void {
  const cmd = program.command('agent').description(`run the node agent: per-process, container, pod and VM energy with Kepler-compatible /metrics (default ${AGENT_LISTEN_ADDRESS})`);
  addConfigOptions(cmd, AGENT_CONFIG_KEYS);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      const defaults = { 'web.listenAddress': AGENT_LISTEN_ADDRESS };
      const { config, log } = resolveConfig(opts, defaults);
      const ctx: ComponentContext = { config, log };
      const agent = await createAgentComponent(ctx);
      ctx.agent = agent.handle;
      const components: Component[] = [agent];
      if (config.web.ui) components.push(await createDashboardComponent(ctx));
      const server = await createServer({ log, components });
      closeOnSignals(server, log);
      const url = await server.listen(config.web.listenAddress);
      log.info({ url }, 'agent listening');
      const file = opts['config.file'] as string | undefined;
      if (file) {
        // The PowerMonitor's collect/export sections arrive as an updated config file (ConfigMap).
        watchConfigFile(file, () => agent.reconfigure(loadConfig({ file, flags: flagValues(opts), defaults }).config), log);
      }
      process.stdout.write(`powerplane agent listening on ${url} (metrics at ${url}/metrics)\n`);
    }),
  );
}
