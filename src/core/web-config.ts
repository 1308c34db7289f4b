/**
 * @module core/web-config
 * What a command's `web.*` configuration asks of its server: Host names and connection limits.
 */
import type { PowerplaneConfig } from './config-keys.js';
import { webLimitsFromConfig, type ServerOptions } from './server.js';

/** The server options (limits, TLS, authentication) a command's configuration asks for. */
export async function webServerOptions(config: PowerplaneConfig): Promise<Pick<ServerOptions, 'limits' | 'https' | 'authenticate'>> {
  return { limits: webLimitsFromConfig(config.web) };
}
