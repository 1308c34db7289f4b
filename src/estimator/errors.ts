/**
 * @module estimator/errors
 * The estimator's error codes. They keep WAO-Estimator's names (`ErrServerEstimatorNotFound`, …) so
 * WAO clients that match on `code` work unchanged; the HTTP body is exactly `{code, message}`, plus
 * `field` for invalid requests.
 */
import { defineError } from '../core/errors.js';

/** No Estimator is registered under `{ns}/{name}`. */
export const ErrServerEstimatorNotFound = defineError('ErrServerEstimatorNotFound', 404, 1, 'No estimator with that namespace/name');
/** The Estimator has no nodes. */
export const ErrEstimatorNoNodesAvailable = defineError('ErrEstimatorNoNodesAvailable', 500, 1, 'The estimator has no nodes');
/** The estimation failed (a -Inf or NaN result). */
export const ErrEstimator = defineError('ErrEstimator', 500, 1, 'The estimation failed');
/** The answer is not ready within the deadline (503 with Retry-After); the work goes on and a retry joins it. */
export const ErrEstimatorDeadlineExceeded = defineError('ErrEstimatorDeadlineExceeded', 503, 1, 'The estimation is not ready within the deadline');
/** The request is invalid; `field` names the offending field. */
export const ErrEstimatorInvalidRequest = defineError('ErrEstimatorInvalidRequest', 400, 2, 'The estimation request is invalid');
/** The X-API-KEY header is missing or wrong. */
export const ErrClientUnauthorized = defineError('ErrClientUnauthorized', 401, 1, 'The X-API-KEY header is missing or wrong');
/** A node monitor failed to read. */
export const ErrNodeMonitor = defineError('ErrNodeMonitor', 502, 1, 'A node monitor failed');
/** A node monitor type is unknown. */
export const ErrNodeMonitorNotFound = defineError('ErrNodeMonitorNotFound', 400, 2, 'Unknown node monitor type');
/** A node status value is missing or not a number. */
export const ErrNodeStatus = defineError('ErrNodeStatus', 500, 1, 'A node status value is missing or invalid');
/** A power-consumption predictor failed. */
export const ErrPCPredictor = defineError('ErrPCPredictor', 502, 1, 'A power-consumption predictor failed');
/** A predictor type is unknown or its endpoint is unusable. */
export const ErrPCPredictorNotFound = defineError('ErrPCPredictorNotFound', 400, 2, 'Unknown predictor type or unusable endpoint');
/** Anything unexpected inside the estimator. */
export const ErrUnexpected = defineError('ErrUnexpected', 500, 1, 'Unexpected estimator error');
