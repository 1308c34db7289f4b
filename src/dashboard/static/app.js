// @ts-check
// The dashboard page: tabs, the live stream (server-sent events, or polling at the agent interval
// where the server has no stream), and the six views.
import { asApiError, getJson } from './api.js';
import { createOverview } from './overview.js';
import { createWorkloads } from './workloads.js';
import { createEstimator } from './estimator.js';
import { createModels } from './models.js';
import { createCapabilities } from './capabilities.js';
import { createCapping } from './capping.js';
import { byId } from './dom.js';

const TABS = ['overview', 'workloads', 'estimator', 'models', 'capping', 'capabilities'];
const liveEl = byId('live-status');

/**
 * @param {'on' | 'off'} state
 * @param {string} text
 */
function setLive(state, text) {
  liveEl.className = `live ${state}`;
  liveEl.textContent = text;
}

/** @param {(name: string) => void} onShow called with the tab shown */
function setupTabs(onShow) {
  const tabs = TABS.map((t) => byId(`tab-${t}`));
  /**
   * @param {number} i
   * @param {boolean} focus
   */
  const select = (i, focus) => {
    tabs.forEach((tab, j) => {
      const on = i === j;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      byId(`view-${TABS[j]}`).hidden = !on;
    });
    if (focus) tabs[i].focus();
    history.replaceState(null, '', `#${TABS[i]}`);
    onShow(TABS[i]);
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(i, false));
    tab.addEventListener('keydown', (e) => {
      const k = e.key;
      if (k === 'ArrowRight') select((i + 1) % tabs.length, true);
      else if (k === 'ArrowLeft') select((i - 1 + tabs.length) % tabs.length, true);
      else if (k === 'Home') select(0, true);
      else if (k === 'End') select(tabs.length - 1, true);
      else return;
      e.preventDefault();
    });
  });
  const initial = TABS.indexOf(location.hash.slice(1));
  return { current: () => TABS[tabs.findIndex((t) => t.getAttribute('aria-selected') === 'true')], select, initial: initial < 0 ? 0 : initial };
}

async function main() {
  /** @type {import('../routes.js').DashboardInfo} */
  let info;
  try {
    info = await getJson('/api/v1/dashboard');
  } catch {
    info = { nodeName: null, intervalMs: 5000, historyLength: 180, live: false, topPerLevel: 0, levels: [] };
  }
  const overview = createOverview(info.historyLength);
  const workloads = createWorkloads(info);
  const estimator = createEstimator();
  const models = createModels();
  const caps = createCapabilities();
  const capping = createCapping();
  const tabs = setupTabs((name) => {
    if (name === 'workloads') workloads.refresh();
    else if (name === 'estimator') estimator.show();
    else if (name === 'models') models.show();
    else if (name === 'capping') capping.show();
    else if (name === 'capabilities') caps.show();
  });
  tabs.select(tabs.initial, false);

  const poll = async () => {
    try {
      overview.showNode(await getJson('/api/v1/node'));
      setLive('on', `polling every ${(info.intervalMs / 1000).toFixed(1)} s`);
      if (tabs.current() === 'workloads') workloads.refresh();
    } catch (caught) {
      const err = asApiError(caught);
      if (err.status === 404) {
        overview.showNoAgent('This server runs no agent, so there is no node power here.');
        setLive('off', 'no agent');
        return false;
      }
      setLive('off', `disconnected: ${err.message}`);
    }
    return true;
  };

  if (!info.live) {
    if (await poll()) setInterval(poll, Math.max(1000, info.intervalMs));
    return;
  }
  try {
    overview.setHistory(await getJson('/api/v1/history/node'));
  } catch {
    /* the stream fills the charts */
  }
  try {
    overview.showNode(await getJson('/api/v1/node'));
  } catch {
    /* the agent has no snapshot yet */
  }
  const es = new EventSource('/api/v1/stream');
  let connected = false;
  es.addEventListener('hello', async () => {
    setLive('on', 'live');
    // After a reconnect (server restarted or network dropped) the history may have gaps: reload it.
    if (connected) {
      try {
        overview.setHistory(await getJson('/api/v1/history/node'));
      } catch {
        /* keep what the page has */
      }
    }
    connected = true;
  });
  es.addEventListener('refresh', (e) => {
    const { node, point } = JSON.parse(e.data);
    setLive('on', `live · updated ${new Date(node.timestamp).toLocaleTimeString()}`);
    overview.showNode(node);
    overview.appendPoint(point);
    if (tabs.current() === 'workloads') workloads.refresh();
  });
  es.addEventListener('error', () => setLive('off', 'reconnecting…'));
}

main();
