/**
 * @module capping/plugins/catalog
 * The algorithm catalog (the seed's marketplace): a YAML document listing plug-ins,
 * `{algorithms: [{name, version, description, endpoint, parameters, timeout, sha256}]}`, read from a file
 * (standalone) or from key `algorithms.yaml` of the ConfigMap `powerplane-capping-algorithms` (cluster).
 */
import { Type, type Static } from 'typebox';
import { parseDuration } from '../../core/duration.js';
import { parseYamlChecked, readTextFile } from '../../core/yaml-file.js';
import { ERR_CAPPING_INVALID_CATALOG } from '../errors.js';

/** Name of the ConfigMap that holds the cluster's catalog, and its key. */
export const CATALOG_CONFIGMAP = 'powerplane-capping-algorithms';
export const CATALOG_CONFIGMAP_KEY = 'algorithms.yaml';
/** Longest plug-in timeout accepted. */
export const MAX_PLUGIN_TIMEOUT_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 2000;

const EntrySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    endpoint: Type.String({ minLength: 8, maxLength: 2048 }),
    parameters: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of spec.algorithm.parameters' })),
    timeout: Type.Optional(Type.String({ maxLength: 32, description: 'Go duration, default 2s, at most 30s' })),
    sha256: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{64}$', description: "sha256 (hex) of the plug-in's published schema (GET on the endpoint)" }),
    ),
  },
  { additionalProperties: false },
);

/** The catalog document's schema. */
export const CatalogSchema = Type.Object({ algorithms: Type.Array(EntrySchema, { maxItems: 1000 }) }, { additionalProperties: false });

/** One plug-in as the catalog lists it, with its timeout resolved. */
export interface CatalogEntry extends Omit<Static<typeof EntrySchema>, 'timeout'> {
  timeoutMs: number;
}

/** A parsed catalog. */
export interface Catalog {
  source: string;
  entries: CatalogEntry[];
}

/** An empty catalog (no plug-ins). */
export const EMPTY_CATALOG: Catalog = { source: '(none)', entries: [] };

/** Parses catalog YAML; `source` names the file or ConfigMap in errors. `reserved` are built-in names. */
export function parseCatalog(text: string, source: string, reserved: ReadonlySet<string>): Catalog {
  const { data, fail } = parseYamlChecked(CatalogSchema, text, source, ERR_CAPPING_INVALID_CATALOG);
  const seen = new Set<string>();
  const entries = data.algorithms.map((e, i): CatalogEntry => {
    if (reserved.has(e.name)) fail(['algorithms', i, 'name'], `${e.name} is a built-in algorithm`);
    if (seen.has(e.name)) fail(['algorithms', i, 'name'], `${e.name} is listed twice`);
    seen.add(e.name);
    let url: URL | undefined;
    try {
      url = new URL(e.endpoint);
    } catch {
      fail(['algorithms', i, 'endpoint'], `not a URL: ${JSON.stringify(e.endpoint)}`);
    }
    if (url && url.protocol !== 'http:' && url.protocol !== 'https:') fail(['algorithms', i, 'endpoint'], 'must be http or https');
    if (url && (url.username || url.password)) fail(['algorithms', i, 'endpoint'], 'must not carry credentials');
    const timeoutMs = e.timeout === undefined ? DEFAULT_TIMEOUT_MS : parseDuration(e.timeout);
    if (timeoutMs === undefined || timeoutMs <= 0 || timeoutMs > MAX_PLUGIN_TIMEOUT_MS)
      fail(['algorithms', i, 'timeout'], `must be a duration above 0 and at most 30s, got ${JSON.stringify(e.timeout)}`);
    if (e.parameters !== undefined && e.parameters.type !== undefined && e.parameters.type !== 'object')
      fail(['algorithms', i, 'parameters', 'type'], 'a parameters schema describes an object');
    const { timeout: _t, ...rest } = e;
    return { ...rest, timeoutMs: timeoutMs as number };
  });
  return { source, entries };
}

/** Reads a catalog file. */
export function loadCatalogFile(path: string, reserved: ReadonlySet<string>): Catalog {
  return parseCatalog(readTextFile(path, 'algorithm catalog'), path, reserved);
}

/** Parses the `data` of ConfigMap `powerplane-capping-algorithms` (an absent key is an empty catalog). */
export function parseCatalogConfigMap(data: Readonly<Record<string, string>> | undefined, namespace: string, reserved: ReadonlySet<string>): Catalog {
  const text = data?.[CATALOG_CONFIGMAP_KEY];
  const source = `configmap ${namespace}/${CATALOG_CONFIGMAP} key ${CATALOG_CONFIGMAP_KEY}`;
  if (text === undefined) return { source, entries: [] };
  return parseCatalog(text, source, reserved);
}
