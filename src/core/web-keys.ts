/**
 * @module core/web-keys
 * The configuration keys every server command takes for its web server (listen address, limits, TLS
 * and auth file). Its own module so that registering a command's flags (and printing its help) does not
 * load the HTTP server.
 */

/** Web server keys every server command accepts. */
export const WEB_SERVER_KEYS: readonly string[] = [
  'web.listenAddress',
  'web.allowedHosts',
  'web.configFile',
  'web.maxConnections',
  'web.requestTimeout',
  'web.headersTimeout',
  'web.keepAliveTimeout',
];
