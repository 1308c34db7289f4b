/**
 * @module modelserver/command
 * Commands of this component: `powerplane model-server` (default 0.0.0.0:8100), `powerplane train`
 * and `powerplane model list|show|import|predict`.
 */
import type { Command } from 'commander';
import { addConfigOptions, action, resolveConfig } from '../core/cli-common.js';
import { WEB_SERVER_KEYS } from '../core/web-keys.js';
import { registerModelCommand } from './cli/model-command.js';
import { registerTrainCommand } from './cli/train-command.js';

/** Default listen address of `powerplane model-server` (Kepler's model server port). */
export const MODEL_SERVER_LISTEN_ADDRESS = '0.0.0.0:8100';

/** Registers `model-server`, `train` and `model`. */
export function registerModelServerCommands(program: Command): void {
  const cmd = program
    .command('model-server')
    .description(
      `run the model server: model store, training jobs, Kepler-compatible routes, Open Inference Protocol v2 (default ${MODEL_SERVER_LISTEN_ADDRESS})`,
    );
  addConfigOptions(cmd, ['log.', ...WEB_SERVER_KEYS, 'web.insecureNoAuth', 'modelServer.']);
  cmd.action(
    action(async (opts: Record<string, unknown>) => {
      const { config, log } = resolveConfig(opts, { 'web.listenAddress': [MODEL_SERVER_LISTEN_ADDRESS] });
      // The server loads when the command runs, not for `model-server --help`, `train` or `model`.
      const [{ createModelServerComponent }, { webServerOptions }, { createServer, closeOnSignals }] = await Promise.all([
        import('./component.js'),
        import('../core/web-config.js'),
        import('../core/server.js'),
      ]);
      const component = await createModelServerComponent({ config, log });
      const web = await webServerOptions(config);
      const server = await createServer({ log, components: [component], ...web });
      closeOnSignals(server, log);
      const url = await server.listen(config.web.listenAddress);
      web.watch(server, log);
      log.info({ url, storeDir: config.modelServer.storeDir }, 'model server listening');
    }),
  );
  registerTrainCommand(program);
  registerModelCommand(program);
}
