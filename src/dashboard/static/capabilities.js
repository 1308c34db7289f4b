// @ts-check
// Capabilities: what this node can measure (meters, zones, GPUs, platform power) and what it cannot.
import { byId, h, replace } from './dom.js';
import { asApiError, getJson } from './api.js';
import { meterText, watts } from './format.js';

/** @param {boolean} ok */
function yesNo(ok) {
  return h('span', { class: ok ? 'yes' : 'no' }, ok ? 'yes' : 'no');
}

/**
 * What an estimating meter is: `estimated by <model>`, its baseline, and why this model (e.g. the CPU was not recognised).
 * @param {import('../../core/contracts.js').MeterInfo} meter
 * @returns {string}
 */
export function estimatedText(meter) {
  const parts = [`estimated by ${meter.model ?? meter.name}, not measured`];
  if (Number.isFinite(meter.baselineWatts))
    parts.push(`${watts(meter.baselineWatts)} at 0 % CPU${Number.isFinite(meter.maxWatts) ? `, ${watts(meter.maxWatts)} at 100 %` : ''}`);
  if (meter.basis) parts.push(meter.basis);
  return parts.join('; ');
}

/** Creates the capabilities view. */
export function createCapabilities() {
  const el = byId('caps');

  async function show() {
    /** @type {import('../../core/contracts.js').CapabilitiesView} */
    let c;
    try {
      c = await getJson('/api/v1/capabilities');
    } catch (caught) {
      const err = asApiError(caught);
      replace(el, h('p', { class: 'muted' }, err.status === 404 ? 'This server runs no agent.' : `Could not load capabilities: ${err.message}`));
      return;
    }
    const metricRows = Object.entries(c.metrics ?? {});
    replace(
      el,
      h('p', {}, `Node ${c.nodeName}, powerplane ${c.version}. `, h('strong', {}, meterText(c.chosenMeter)), '.'),
      h('h2', {}, 'Meters'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { 'aria-label': 'Meters tried' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Meter'),
              h('th', { scope: 'col' }, 'Available'),
              h('th', { scope: 'col' }, 'Zones'),
              h('th', { scope: 'col' }, 'Why not / notes'),
            ),
          ),
          h(
            'tbody',
            {},
            c.meters.map((m) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, m.name),
                h('td', {}, yesNo(m.available)),
                h('td', {}, (m.zones ?? []).join(', ')),
                h('td', {}, m.reason ?? ''),
              ),
            ),
          ),
        ),
      ),
      h('h2', {}, 'What this node can measure'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { 'aria-label': 'Measurements available' },
          h(
            'tbody',
            {},
            c.chosenMeter?.estimated
              ? h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, 'CPU power'),
                  h('td', {}, h('span', { class: 'no' }, 'estimated')),
                  h('td', {}, estimatedText(c.chosenMeter)),
                )
              : h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, 'CPU zones'),
                  h('td', {}, yesNo(c.zones.length > 0)),
                  h('td', {}, c.zones.join(', ') || 'none'),
                ),
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, 'Platform (wall) power'),
              h('td', {}, yesNo(c.platform.available)),
              h('td', {}, c.platform.source ?? c.platform.reason ?? ''),
            ),
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, 'GPUs'),
              h('td', {}, yesNo(c.gpus.available)),
              h('td', {}, c.gpus.available ? `${c.gpus.count} via ${c.gpus.source ?? '?'}` : (c.gpus.reason ?? '')),
            ),
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, 'Pods (Kubernetes)'),
              h('td', {}, yesNo(c.kube.enabled)),
              h('td', {}, c.kube.enabled ? `from ${c.kube.podSource ?? 'kube'}` : 'kube.enable is off: containers are not mapped to pods'),
            ),
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, 'cgroup version'),
              h('td', {}, c.cgroupVersion ? String(c.cgroupVersion) : 'unknown'),
              h('td', {}, ''),
            ),
            h('tr', {}, h('th', { scope: 'row' }, 'Exported levels'), h('td', {}, ''), h('td', {}, c.metricLevels.join(', '))),
          ),
        ),
      ),
      metricRows.length
        ? [
            h('h2', {}, 'Metric sources'),
            h(
              'div',
              { class: 'table-wrap' },
              h(
                'table',
                { 'aria-label': 'Metric sources' },
                h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Source'), h('th', { scope: 'col' }, 'State'))),
                h(
                  'tbody',
                  {},
                  metricRows.map(([k, v]) =>
                    h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: v === 'enabled' ? 'yes' : v === 'unavailable' ? 'no' : 'muted' }, v)),
                  ),
                ),
              ),
            ),
          ]
        : null,
    );
  }

  return { show };
}
