/**
 * @module capping/errors
 * Error codes of the capping algorithms, catalog and simulator.
 */
import { defineError } from '../core/errors.js';

/** `spec.algorithm.name` / `--algorithm` names neither a built-in nor a catalog entry. */
export const ERR_CAPPING_UNKNOWN_ALGORITHM = defineError(
  'PP_CAPPING_UNKNOWN_ALGORITHM',
  404,
  2,
  'No capping algorithm with that name (built-in or catalog)',
);
/** `spec.algorithm.parameters` do not match the algorithm's parameter schema. */
export const ERR_CAPPING_INVALID_PARAMETERS = defineError(
  'PP_CAPPING_INVALID_PARAMETERS',
  400,
  2,
  'Capping algorithm parameters do not match its schema',
);
/** A capping algorithm catalog (file or ConfigMap) is invalid; details carry `path` and `field`. */
export const ERR_CAPPING_INVALID_CATALOG = defineError('PP_CAPPING_INVALID_CATALOG', 400, 2, 'A capping algorithm catalog is invalid');
/** A simulator scenario file is invalid; details carry `path` and `field`. */
export const ERR_CAPPING_INVALID_SCENARIO = defineError('PP_CAPPING_INVALID_SCENARIO', 400, 2, 'A capping simulator scenario is invalid');
