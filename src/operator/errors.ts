/**
 * @module operator/errors
 * Error codes of the operator (`PP_OPERATOR_*`).
 */
import { defineError } from '../core/errors.js';

/** A generated CRD schema breaks a structural-schema rule (a bug in a schema definition). */
export const ERR_OPERATOR_CRD_SCHEMA = defineError('PP_OPERATOR_CRD_SCHEMA', 500, 1, 'A CRD schema is not structural');
/** A certificate could not be built or parsed. */
export const ERR_OPERATOR_CERT = defineError('PP_OPERATOR_CERT', 500, 1, 'A webhook certificate could not be built');
/** An AdmissionReview request is malformed. */
export const ERR_OPERATOR_BAD_REVIEW = defineError('PP_OPERATOR_BAD_REVIEW', 400, 2, 'An AdmissionReview request is malformed');
/** The operator cannot reach or use the Kubernetes API at start. */
export const ERR_OPERATOR_KUBE = defineError('PP_OPERATOR_KUBE', 502, 1, 'The Kubernetes API is unreachable or refused a required call');
