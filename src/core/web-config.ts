/**
 * @module core/web-config
 * What a command's `web.*` configuration asks of its server: Host names, connection limits, and the
 * `--web.config-file` of the Prometheus exporter-toolkit (the file node_exporter and Kepler read):
 * `tls_server_config` (certificate and key, inline or as files; client certificates with the five
 * `client_auth_type`s, `client_ca(_file)`, `client_allowed_sans`; `min_version`/`max_version`;
 * `prefer_server_cipher_suites`), `http_server_config.headers`, and `basic_auth_users` (bcrypt hashes,
 * checked with bcryptjs; a verified password is cached, as the toolkit does). Keys this server cannot
 * honour (`cipher_suites`, `curve_preferences`, `rate_limit`) are refused rather than ignored. As the
 * toolkit does, changes are picked up while running: the file and the certificate files it names are
 * polled, and a new certificate, key, CA or user list applies to the next connection or request (a
 * change of TLS on/off or of `client_auth_type` needs a restart and is logged).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import bcrypt from 'bcryptjs';
import { parseDocument } from 'yaml';
import type { PowerplaneConfig } from './config-keys.js';
import { watchConfigFile } from './config-watch.js';
import type { Logger } from './logger.js';
import { ERR_FILE_UNREADABLE, ERR_MALFORMED_FILE, ERR_UNAUTHORIZED, PowerplaneError, errorMessage } from './errors.js';
import { webLimitsFromConfig, type PowerplaneServer, type RequestAuthenticator, type ServerOptions } from './server.js';

/** The client certificate policies of the exporter-toolkit (Go's `tls.ClientAuthType` names). */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const;
type ClientAuthType = (typeof CLIENT_AUTH_TYPES)[number];

const TLS_VERSIONS: Record<string, 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3'> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};
const HEADERS = ['Content-Security-Policy', 'X-Frame-Options', 'X-Content-Type-Options', 'X-XSS-Protection', 'Strict-Transport-Security'];

/** A web config file, validated, with files read. */
export interface WebConfig {
  tls?: {
    key: string;
    cert: string;
    ca?: string;
    clientAuth: ClientAuthType;
    allowedSans: string[];
    minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
    honorCipherOrder: boolean;
  };
  /** User name → bcrypt hash. Empty: no basic auth. */
  basicAuthUsers: Record<string, string>;
  headers: Record<string, string>;
  /** The certificate files it names (watched for changes). */
  files: string[];
}

/** Reads and validates an exporter-toolkit web config file; every problem names the path and the key. */
export function readWebConfig(path: string): WebConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw ERR_FILE_UNREADABLE(`cannot read web config file ${path}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`, {
      path,
      flag: '--web.config-file',
    });
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw ERR_MALFORMED_FILE(`${path}: ${doc.errors[0].message.split('\n')[0]}`, { path });
  return parseWebConfig(doc.toJS() ?? {}, path);
}

/** Validates the parsed YAML of a web config file (`path` resolves `*_file` keys' messages). Pure but for reading the named files. */
export function parseWebConfig(root: unknown, path: string): WebConfig {
  const bad = (key: string, message: string): never => {
    throw ERR_MALFORMED_FILE(`${path}: ${key}: ${message}`, { path, key });
  };
  const mapping = (v: unknown, key: string): Record<string, unknown> => {
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) return bad(key, 'must be a mapping');
    return v as Record<string, unknown>;
  };
  const only = (m: Record<string, unknown>, key: string, known: readonly string[], refused: readonly string[] = []) => {
    for (const k of Object.keys(m)) {
      const full = key ? `${key}.${k}` : k;
      if (refused.includes(k)) bad(full, 'is not supported by powerplane (remove it; Node.js defaults apply)');
      if (!known.includes(k)) bad(full, 'unknown key');
    }
  };
  const str = (v: unknown, key: string): string | undefined => {
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return bad(key, 'must be a string');
    return v;
  };
  const files: string[] = [];
  const fileOrInline = (m: Record<string, unknown>, key: string, inline: string, file: string): string | undefined => {
    const text = str(m[inline], `${key}.${inline}`);
    const name = str(m[file], `${key}.${file}`);
    if (text !== undefined && name !== undefined) bad(`${key}.${inline}`, `give ${inline} or ${file}, not both`);
    if (name === undefined) return text;
    files.push(name);
    try {
      return readFileSync(name, 'utf8');
    } catch (e) {
      return bad(`${key}.${file}`, `cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
    }
  };

  const top = mapping(root, 'the file');
  only(top, '', ['tls_server_config', 'http_server_config', 'basic_auth_users'], ['rate_limit']);

  let tls: WebConfig['tls'];
  if (top.tls_server_config !== undefined && top.tls_server_config !== null) {
    const t = mapping(top.tls_server_config, 'tls_server_config');
    only(
      t,
      'tls_server_config',
      [
        'cert',
        'key',
        'client_ca',
        'cert_file',
        'key_file',
        'client_auth_type',
        'client_ca_file',
        'client_allowed_sans',
        'min_version',
        'max_version',
        'prefer_server_cipher_suites',
      ],
      ['cipher_suites', 'curve_preferences'],
    );
    const cert = fileOrInline(t, 'tls_server_config', 'cert', 'cert_file');
    const key = fileOrInline(t, 'tls_server_config', 'key', 'key_file');
    if (cert === undefined) bad('tls_server_config.cert_file', 'is required');
    if (key === undefined) bad('tls_server_config.key_file', 'is required');
    const ca = fileOrInline(t, 'tls_server_config', 'client_ca', 'client_ca_file');
    const clientAuth = (str(t.client_auth_type, 'tls_server_config.client_auth_type') ?? 'NoClientCert') as ClientAuthType;
    if (!CLIENT_AUTH_TYPES.includes(clientAuth)) bad('tls_server_config.client_auth_type', `must be one of ${CLIENT_AUTH_TYPES.join(', ')}`);
    if ((clientAuth === 'RequireAndVerifyClientCert' || clientAuth === 'VerifyClientCertIfGiven') && ca === undefined)
      bad('tls_server_config.client_ca_file', `is required with client_auth_type ${clientAuth}`);
    const sans = t.client_allowed_sans ?? [];
    if (!Array.isArray(sans) || !sans.every((s) => typeof s === 'string')) bad('tls_server_config.client_allowed_sans', 'must be a list of strings');
    if ((sans as string[]).length > 0 && clientAuth !== 'RequireAnyClientCert' && clientAuth !== 'RequireAndVerifyClientCert') {
      bad('tls_server_config.client_allowed_sans', 'needs client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert');
    }
    const version = (k: string, dflt: string) => {
      const v = str(t[k], `tls_server_config.${k}`) ?? dflt;
      return TLS_VERSIONS[v] ?? bad(`tls_server_config.${k}`, `must be one of ${Object.keys(TLS_VERSIONS).join(', ')}`);
    };
    const prefer = t.prefer_server_cipher_suites ?? true;
    if (typeof prefer !== 'boolean') bad('tls_server_config.prefer_server_cipher_suites', 'must be true or false');
    tls = {
      key: key!,
      cert: cert!,
      ca,
      clientAuth,
      allowedSans: sans as string[],
      minVersion: version('min_version', 'TLS12'),
      maxVersion: version('max_version', 'TLS13'),
      honorCipherOrder: prefer as boolean,
    };
  }

  const http = mapping(top.http_server_config, 'http_server_config');
  only(http, 'http_server_config', ['http2', 'headers']);
  if (http.http2 !== undefined && typeof http.http2 !== 'boolean') bad('http_server_config.http2', 'must be true or false');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(mapping(http.headers, 'http_server_config.headers'))) {
    if (!HEADERS.includes(k)) bad(`http_server_config.headers.${k}`, `unknown header (${HEADERS.join(', ')})`);
    const value = str(v, `http_server_config.headers.${k}`);
    if (value !== undefined) headers[k] = value;
  }

  const basicAuthUsers: Record<string, string> = {};
  for (const [user, hash] of Object.entries(mapping(top.basic_auth_users, 'basic_auth_users'))) {
    if (typeof hash !== 'string' || !/^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash))
      bad(`basic_auth_users.${user}`, 'must be a bcrypt hash ($2y$10$…, e.g. from htpasswd -nBC 10 "")');
    basicAuthUsers[user] = hash as string;
  }
  return { tls, basicAuthUsers, headers, files };
}

/** The peer certificate's subject alternative names, as bare values (`DNS:a`, `IP Address:b` → `a`, `b`). */
function peerSans(socket: TLSSocket): string[] {
  const alt = socket.getPeerCertificate()?.subjectaltname ?? '';
  return alt
    .split(/,\s*/)
    .filter(Boolean)
    .map((e) => e.slice(e.indexOf(':') + 1));
}

/** A well-formed bcrypt hash (cost 10) that no password matches, compared for unknown users so that they take as long as wrong passwords. */
const DUMMY_HASH = '$2b$10$' + 'powerplaneunknownuser.' + 'nopasswordmatchesthishash012345';
/** Verified credentials kept (digests only), so that a scraper does not pay bcrypt on every request. */
const CACHE_LIMIT = 100;

/** The onRequest check of a web config (the current one: `current()` after a reload): client certificate rules, then basic auth. */
export function webConfigAuthenticator(current: () => WebConfig): RequestAuthenticator {
  const verified = new Set<string>();
  const refuse = (message: string, realm: boolean, reply: Parameters<RequestAuthenticator>[1]): PowerplaneError => {
    if (realm) reply.header('www-authenticate', 'Basic realm="powerplane"');
    return ERR_UNAUTHORIZED(message, { field: 'authorization' });
  };
  return async (req, reply) => {
    const cfg = current();
    const users = cfg.basicAuthUsers;
    const needCert = cfg.tls?.clientAuth === 'RequireAnyClientCert' || cfg.tls?.clientAuth === 'RequireAndVerifyClientCert';
    const verifyGiven = cfg.tls?.clientAuth === 'VerifyClientCertIfGiven';
    const sans = cfg.tls?.allowedSans ?? [];
    const socket = req.raw.socket as TLSSocket;
    if (needCert || verifyGiven) {
      const given = typeof socket.getPeerCertificate === 'function' && Object.keys(socket.getPeerCertificate() ?? {}).length > 0;
      if (needCert && !given) throw refuse('this server requires a client certificate', false, reply);
      if (verifyGiven && given && !socket.authorized)
        throw refuse(`the client certificate is not trusted: ${String(socket.authorizationError)}`, false, reply);
      if (sans.length > 0 && !peerSans(socket).some((s) => sans.includes(s)))
        throw refuse('the client certificate has none of the allowed subject alternative names', false, reply);
    }
    if (Object.keys(users).length === 0) return;
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) throw refuse('this server requires basic authentication', true, reply);
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    const hash = Object.hasOwn(users, user) ? users[user] : undefined;
    const key = createHash('sha256')
      .update(`${user}\0${hash ?? ''}\0${password}`)
      .digest('base64');
    if (hash !== undefined && verified.has(key)) return;
    const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
    if (!ok || hash === undefined) throw refuse('wrong user name or password', true, reply);
    if (verified.size >= CACHE_LIMIT) verified.delete(verified.values().next().value!);
    verified.add(key);
  };
}

/** The TLS options of a web config for `https.createServer`. */
export function webConfigHttps(cfg: WebConfig): ServerOptions['https'] {
  const t = cfg.tls;
  if (!t) return undefined;
  const requestCert = t.clientAuth !== 'NoClientCert';
  return {
    key: t.key,
    cert: t.cert,
    ...(t.ca ? { ca: t.ca } : {}),
    requestCert,
    rejectUnauthorized: t.clientAuth === 'RequireAndVerifyClientCert',
    minVersion: t.minVersion,
    maxVersion: t.maxVersion,
    honorCipherOrder: t.honorCipherOrder,
  };
}

/** What {@link webServerOptions} gives a command: server options, and the watch to start once the server listens. */
export interface WebServerSetup extends Pick<ServerOptions, 'limits' | 'https' | 'authenticate' | 'headers'> {
  /** Applies later changes of the web config file and its certificate files to `server` (a no-op without a file). */
  watch(server: PowerplaneServer, log: Logger, intervalMs?: number): void;
}

/** The server options (limits, TLS, authentication, headers) a command's configuration asks for. */
export async function webServerOptions(config: PowerplaneConfig): Promise<WebServerSetup> {
  const limits = webLimitsFromConfig(config.web);
  const path = config.web.configFile;
  if (path === '') return { limits, watch: () => undefined };
  let cfg = readWebConfig(path);
  const watch = (server: PowerplaneServer, log: Logger, intervalMs?: number) => {
    const reload = async () => {
      const next = readWebConfig(path);
      if (Boolean(next.tls) !== Boolean(cfg.tls) || next.tls?.clientAuth !== cfg.tls?.clientAuth) {
        log.warn(
          { file: path },
          'web config: turning TLS on or off, or changing client_auth_type, needs a restart; keeping the running configuration',
        );
        return;
      }
      if (next.tls) {
        const { requestCert: _r, rejectUnauthorized: _u, ...context } = webConfigHttps(next)!;
        server.setSecureContext(context);
      }
      cfg = next;
      log.info({ file: path }, 'web config reloaded');
    };
    for (const file of new Set([path, ...cfg.files])) watchConfigFile(file, reload, log, intervalMs);
  };
  return { limits, https: webConfigHttps(cfg), authenticate: webConfigAuthenticator(() => cfg), headers: cfg.headers, watch };
}
