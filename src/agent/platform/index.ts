/**
 * @module agent/platform
 * Platform (wall) power meters: Redfish, IPMI (ipmi_exporter, ipmitool DCMI), ACPI power meter.
 */
export { selectPlatformMeter, redfishOptions, type PlatformDeps } from './select.js';
export { createRedfishMeter, type RedfishMeter, type RedfishOptions } from './redfish.js';
export { createIpmiExporterMeter, parseIpmiExporterPower, IPMI_DCMI_POWER_METRIC } from './ipmi-exporter.js';
export { createIpmitoolMeter, parseDcmiPowerReading } from './ipmitool.js';
export { createAcpiMeter } from './acpi.js';
export { ERR_PLATFORM_UNAVAILABLE, ERR_PLATFORM_READ } from './errors.js';
