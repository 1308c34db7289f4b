/**
 * @module agent/platform/errors
 * Error codes of the platform (wall) power meters: Redfish, IPMI, ACPI.
 */
import { defineError } from '../../core/errors.js';

/** A platform meter is configured but cannot be used (unreachable BMC, no power reading, no power_meter). */
export const ERR_PLATFORM_UNAVAILABLE = defineError('PP_AGENT_PLATFORM_UNAVAILABLE', 503, 1, 'A platform power meter is not usable');
/** A platform meter failed to read power. */
export const ERR_PLATFORM_READ = defineError('PP_AGENT_PLATFORM_READ', 502, 1, 'A platform power meter failed to read power');
