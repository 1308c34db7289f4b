/**
 * @module core/errors
 * The one error catalog of powerplane. Every error a component raises on purpose has a stable
 * `code` (tests and users match on codes, never on messages), an HTTP status for servers, and an
 * exit code for the CLI. Components define their codes with {@link defineError}; codes are unique
 * across the product (a duplicate definition throws at import time) and listed by {@link errorCatalog}.
 */

/** What a catalog entry says about one error code. */
export interface ErrorDefinition {
  readonly code: string;
  /** HTTP status a server answers with. */
  readonly status: number;
  /** CLI exit code: 2 for bad input (flags, config, files), 1 for failures at run time. */
  readonly exitCode: number;
  /** One-line description for the docs. */
  readonly description: string;
}

/** Extra, machine-readable context of an error: the offending field, flag, key, file or line. */
export interface ErrorDetails {
  field?: string;
  flag?: string;
  key?: string;
  path?: string;
  line?: number;
  [k: string]: unknown;
}

const catalog = new Map<string, ErrorDefinition>();

/** An error with a catalog code. Thrown by every component for anticipated failures. */
export class PowerplaneError extends Error {
  readonly code: string;
  readonly status: number;
  readonly exitCode: number;
  readonly details: ErrorDetails;

  constructor(def: ErrorDefinition, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PowerplaneError';
    this.code = def.code;
    this.status = def.status;
    this.exitCode = def.exitCode;
    this.details = details;
  }

  /** The JSON body servers answer with: `{code, message, ...details}`. */
  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/** A factory for one catalog code: `ERR(message, details)` builds the error. */
export interface ErrorFactory {
  (message: string, details?: ErrorDetails, options?: { cause?: unknown }): PowerplaneError;
  readonly definition: ErrorDefinition;
  /** True when `err` is a PowerplaneError of this code. */
  is(err: unknown): err is PowerplaneError;
}

/**
 * Registers an error code in the catalog and returns its factory.
 * @example
 * export const ERR_MODEL_NOT_FOUND = defineError('PP_MODEL_NOT_FOUND', 404, 1, 'No model with that name');
 * throw ERR_MODEL_NOT_FOUND(`model ${name} not found`, { field: 'name' });
 */
export function defineError(code: string, status: number, exitCode: number, description: string): ErrorFactory {
  if (catalog.has(code)) throw new Error(`error code ${code} is defined twice`);
  if (!/^[A-Z][A-Za-z0-9_]+$/.test(code)) throw new Error(`error code ${code} is not a valid code`);
  const definition: ErrorDefinition = Object.freeze({ code, status, exitCode, description });
  catalog.set(code, definition);
  const factory = (message: string, details?: ErrorDetails, options?: { cause?: unknown }) =>
    new PowerplaneError(definition, message, details, options);
  return Object.assign(factory, {
    definition,
    is: (err: unknown): err is PowerplaneError => err instanceof PowerplaneError && err.code === code,
  });
}

/**
 * The message of anything thrown: an Error's `message`, else its string form (a thrown string, a
 * rejected non-Error value). Use it wherever a caught value is reported.
 */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Every code defined so far (after the components' modules are imported), sorted by code. */
export function errorCatalog(): ErrorDefinition[] {
  return [...catalog.values()].sort((a, b) => a.code.localeCompare(b.code));
}

// ---- Codes shared by every component -------------------------------------------------------

/** A CLI flag has an invalid value or is missing. Exit code 2. */
export const ERR_INVALID_FLAG = defineError('PP_INVALID_FLAG', 400, 2, 'A command-line flag is invalid or missing');
/** A configuration key has an invalid value. Exit code 2. */
export const ERR_INVALID_CONFIG = defineError('PP_INVALID_CONFIG', 400, 2, 'A configuration key has an invalid value');
/** A file could not be parsed; details carry `path` and, where known, `line`. Exit code 2. */
export const ERR_MALFORMED_FILE = defineError('PP_MALFORMED_FILE', 400, 2, 'A file is malformed');
/** A file could not be read. */
export const ERR_FILE_UNREADABLE = defineError('PP_FILE_UNREADABLE', 400, 2, 'A file could not be read');
/** An HTTP request body or parameter is invalid; details carry `field`. */
export const ERR_BAD_REQUEST = defineError('PP_BAD_REQUEST', 400, 2, 'A request is invalid');
/** A request needs a token that was missing or wrong. */
export const ERR_UNAUTHORIZED = defineError('PP_UNAUTHORIZED', 401, 1, 'Authentication is required or failed');
/** The request's `Origin` is another site on a state-changing route (cross-site request forgery). */
export const ERR_FORBIDDEN_ORIGIN = defineError('PP_FORBIDDEN_ORIGIN', 403, 1, 'A cross-origin request to a state-changing route was refused');
/** The request's `Host` is not a name this server answers to (DNS rebinding); see `--web.allowed-hosts`. */
export const ERR_HOST_NOT_ALLOWED = defineError('PP_HOST_NOT_ALLOWED', 421, 1, 'The Host header names a host this server does not serve');
/** A state-changing route was sent a content type it does not accept (never a CORS-safelisted one). */
export const ERR_UNSUPPORTED_MEDIA_TYPE = defineError('PP_UNSUPPORTED_MEDIA_TYPE', 415, 2, 'The request content type is not accepted');
/** The listen address is taken by another process. */
export const ERR_ADDRESS_IN_USE = defineError('PP_ADDRESS_IN_USE', 500, 1, 'The listen address is already in use');
/** A resource does not exist. */
export const ERR_NOT_FOUND = defineError('PP_NOT_FOUND', 404, 1, 'The resource does not exist');
/** A request body is larger than the server accepts. */
export const ERR_PAYLOAD_TOO_LARGE = defineError('PP_PAYLOAD_TOO_LARGE', 413, 2, 'The request body is too large');
/** A command or feature that this build does not provide. */
export const ERR_NOT_AVAILABLE = defineError('PP_NOT_AVAILABLE', 501, 2, 'Not available in this build');
/** A dependency (another server, a file system) failed. */
export const ERR_UPSTREAM = defineError('PP_UPSTREAM', 502, 1, 'A dependency failed');
/** Anything unexpected: a bug. */
export const ERR_INTERNAL = defineError('PP_INTERNAL', 500, 1, 'Internal error');
