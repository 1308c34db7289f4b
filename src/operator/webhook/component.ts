/**
 * @module operator/webhook/component
 * The admission webhook's routes, mounted on the core server created with `https`.
 */
import type { Component } from '../../core/component.js';
import { WEBHOOK_PATHS } from './configurations.js';
import type { PodAdmission, PodObject } from '../capping/admission.js';
import {
  parseAdmissionReview,
  validatePowerMonitor,
  mutatePowerMonitor,
  validateEstimator,
  mutateEstimator,
  validatePowerNode,
  validatePowerCapPolicy,
  type AdmissionRequest,
  type AdmissionReviewResponse,
} from './admission.js';

const HANDLERS: Record<string, (req: AdmissionRequest) => AdmissionReviewResponse> = {
  [WEBHOOK_PATHS.validatePowerMonitor]: validatePowerMonitor,
  [WEBHOOK_PATHS.mutatePowerMonitor]: mutatePowerMonitor,
  [WEBHOOK_PATHS.validateEstimator]: validateEstimator,
  [WEBHOOK_PATHS.mutateEstimator]: mutateEstimator,
  [WEBHOOK_PATHS.validatePowerNode]: (req) => validatePowerNode(req),
  [WEBHOOK_PATHS.validatePowerCapPolicy]: validatePowerCapPolicy,
};

/** Options of {@link createWebhookComponent}. */
export interface WebhookComponentOptions {
  /** The capping pod plug-in (mounted at WEBHOOK_PATHS.mutatePod when given). */
  pods?: PodAdmission;
}

/** A component serving the admission routes (POST, AdmissionReview JSON in and out). */
export function createWebhookComponent(opts: WebhookComponentOptions = {}): Component {
  return {
    name: 'webhook',
    routes(app) {
      for (const [path, handler] of Object.entries(HANDLERS)) {
        app.post(path, async (req) => handler(parseAdmissionReview(req.body)));
      }
      const pods = opts.pods;
      if (pods)
        app.post(WEBHOOK_PATHS.mutatePod, async (req) => {
          const review = parseAdmissionReview(req.body);
          return pods.admit({ ...review, object: review.object as PodObject });
        });
    },
  };
}
