/**
 * @module modelserver/errors
 * Error codes of the model store, the model server and training (`PP_MODELSERVER_*`).
 */
import { defineError } from '../core/errors.js';

/** A model name or id is not a safe path segment (traversal, separators, NUL, empty, too long). */
export const ERR_MODEL_INVALID_NAME = defineError('PP_MODELSERVER_INVALID_NAME', 400, 2, 'A model name or id is invalid');
/** No model with that id or name. */
export const ERR_MODEL_NOT_FOUND = defineError('PP_MODELSERVER_MODEL_NOT_FOUND', 404, 1, 'No model with that id or name');
/** No stored model satisfies a Kepler `/model` or `/best-models` request. */
export const ERR_MODEL_NO_MATCH = defineError('PP_MODELSERVER_NO_MATCH', 404, 1, 'No model matches the request');
/** A model name matches several models: use the id. */
export const ERR_MODEL_AMBIGUOUS = defineError('PP_MODELSERVER_AMBIGUOUS', 409, 2, 'A model name matches several models');
/** A stored model's files are missing or malformed. */
export const ERR_MODEL_CORRUPT = defineError('PP_MODELSERVER_CORRUPT', 500, 1, 'A stored model is malformed');
/** The model store's disk is full (ENOSPC) or over quota (EDQUOT): nothing was saved. */
export const ERR_STORE_FULL = defineError('PP_MODELSERVER_STORE_FULL', 507, 1, 'The model store has no space left');
/** A zip archive is malformed or unsafe (zip-slip, encryption, zip64, too large). */
export const ERR_ARCHIVE_INVALID = defineError('PP_MODELSERVER_ARCHIVE_INVALID', 400, 2, 'A model archive is malformed or unsafe');
/** A training data source could not be read or gave no usable samples. */
export const ERR_TRAINING_DATA = defineError('PP_MODELSERVER_TRAINING_DATA', 400, 2, 'Training data is unusable');
/** A training job does not exist. */
export const ERR_JOB_NOT_FOUND = defineError('PP_MODELSERVER_JOB_NOT_FOUND', 404, 1, 'No training job with that id');
/** Too many training jobs are queued. */
export const ERR_JOB_QUEUE_FULL = defineError('PP_MODELSERVER_QUEUE_FULL', 429, 1, 'Too many training jobs are queued');
/** A training job was cancelled (the server shut down while it ran). */
export const ERR_JOB_CANCELLED = defineError('PP_MODELSERVER_CANCELLED', 503, 1, 'A training job was cancelled');
