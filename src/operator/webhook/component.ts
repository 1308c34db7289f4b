/**
 * @module operator/webhook/component
 * The admission webhook's routes, mounted on the core server created with `https`.
 */
import type { Component } from '../../core/component.js';
import { WEBHOOK_PATHS } from './configurations.js';
import { parseAdmissionReview, validatePowerMonitor, mutatePowerMonitor, validateEstimator, mutateEstimator, validatePowerNode, type AdmissionRequest, type AdmissionReviewResponse } from './admission.js';

const HANDLERS: Record<string, (req: AdmissionRequest) => AdmissionReviewResponse> = {
  [WEBHOOK_PATHS.validatePowerMonitor]: validatePowerMonitor,
  [WEBHOOK_PATHS.mutatePowerMonitor]: mutatePowerMonitor,
  [WEBHOOK_PATHS.validateEstimator]: validateEstimator,
  [WEBHOOK_PATHS.mutateEstimator]: mutateEstimator,
  [WEBHOOK_PATHS.validatePowerNode]: (req) => validatePowerNode(req),
};

/** A component serving the admission routes (POST, AdmissionReview JSON in and out). */
export function createWebhookComponent(): Component {
  return {
    name: 'webhook',
    routes(app) {
      for (const [path, handler] of Object.entries(HANDLERS)) {
        app.post(path, async (req) => handler(parseAdmissionReview(req.body)));
      }
    },
  };
}
