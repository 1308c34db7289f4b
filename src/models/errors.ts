/**
 * @module models/errors
 * Error codes of the power-model library (`PP_MODEL_*`).
 */
import { defineError } from '../core/errors.js';

/** No trainer (model kind) of that name. */
export const ERR_MODEL_UNKNOWN_TRAINER = defineError('PP_MODEL_UNKNOWN_TRAINER', 400, 2, 'No trainer (model kind) of that name');
/** A feature group or feature list is unknown or invalid. */
export const ERR_MODEL_BAD_FEATURES = defineError('PP_MODEL_BAD_FEATURES', 400, 2, 'A feature group or feature list is invalid');
/** A data set is unusable for training or evaluation (shape, non-finite values, too few rows, missing columns). */
export const ERR_MODEL_BAD_DATASET = defineError('PP_MODEL_BAD_DATASET', 400, 2, 'A data set is unusable for training or evaluation');
/** Training options are invalid. */
export const ERR_MODEL_BAD_OPTIONS = defineError('PP_MODEL_BAD_OPTIONS', 400, 2, 'Training options are invalid');
/** A serialized model is malformed or of an unknown kind. */
export const ERR_MODEL_BAD_MODEL = defineError('PP_MODEL_BAD_MODEL', 400, 2, 'A serialized model is malformed or of an unknown kind');
/** A Kepler weight JSON is malformed or cannot be applied. */
export const ERR_MODEL_BAD_WEIGHTS = defineError('PP_MODEL_BAD_WEIGHTS', 400, 2, 'A Kepler weight JSON is malformed');
/** A model kind cannot be expressed in Kepler's weight format. */
export const ERR_MODEL_NOT_EXPORTABLE = defineError('PP_MODEL_NOT_EXPORTABLE', 400, 2, 'This model kind cannot be exported as Kepler weights');
/** Prediction input does not match the model's features. */
export const ERR_MODEL_BAD_INPUT = defineError('PP_MODEL_BAD_INPUT', 400, 2, 'Prediction input does not match the model');
