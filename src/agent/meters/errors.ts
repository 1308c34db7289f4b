/**
 * @module agent/meters/errors
 * Error codes of the node meters (RAPL, hwmon, model, fake) and meter selection.
 */
import { defineError } from '../../core/errors.js';

/** A meter cannot be used on this node (no zones, unreadable counters); selection tries the next one. */
export const ERR_METER_UNAVAILABLE = defineError(
  'PP_AGENT_METER_UNAVAILABLE',
  503,
  1,
  'A node meter is not usable on this node (no zones, or counters unreadable)',
);
/** No meter listed in `--meter` could be used. */
export const ERR_NO_METER = defineError('PP_AGENT_NO_METER', 503, 1, 'None of the node meters listed in --meter is usable');
