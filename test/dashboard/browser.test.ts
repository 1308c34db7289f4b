/**
 * End to end in a real browser (Debian's chromium through playwright-core) against `powerplane up`
 * on a fixture machine with known numbers. Screenshots of each view go to test-artifacts/dashboard/.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, ARTIFACTS } from './browser.js';
import { sharedDataPath } from '../helpers/shared-data.js';
import { createFixtureNode, fixturePods, EXPECTED, type FixtureNode } from './fixture-node.js';
import { startFakeApiServer, type FakeApiServer } from '../fake-apiserver/index.js';
import { powerplaneCrds } from '../helpers/kube.js';
import { startUp, type PowerplaneProcess } from '../helpers/cli.js';
import { createServer, type PowerplaneServer } from '../../src/core/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { loadConfig } from '../../src/core/config.js';
import { createDashboardComponent } from '../../src/dashboard/component.js';
import { createStubAgent, stubAgentRoutes, stubNode, stubWorkload } from './stub-agent.js';

const WAIT = { timeout: 30_000 };
let api: FakeApiServer;
let fixture: FixtureNode;
let up: PowerplaneProcess;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

before(async () => {
  api = await startFakeApiServer();
  api.store.seed(...(fixturePods() as unknown as Parameters<typeof api.store.seed>));
  api.store.seed(...(powerplaneCrds() as unknown as Parameters<typeof api.store.seed>));
  api.store.seed(...(cappingPolicies() as unknown as Parameters<typeof api.store.seed>));
  fixture = await createFixtureNode(api.kubeconfigPath);
  up = await startUp([...fixture.flags, '--estimator.config-file', join(import.meta.dirname, 'fixtures', 'wao-fake-nodes.yaml')]);
  fixture.follow(up.url);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'light' });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await browser?.close();
  const code = await up?.stop();
  fixture?.dispose();
  await api?.stop();
  assert.equal(code, 0, 'powerplane up exits 0 on SIGTERM');
});

/**
 * Two PowerCapPolicies with the status the capping operator writes (the shape `cap status` reads): one
 * enforcing over its budget with a recommendation and actions, one in DryRun with a target without data.
 */
function cappingPolicies() {
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: '2026-06-01T12:00:00Z',
  });
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'llm' } },
    {
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerCapPolicy',
      metadata: { name: 'gpu-rack', namespace: 'llm' },
      spec: { mode: 'Enforce', targets: [{ kind: 'ScaledObject', name: 'llama', minReplicas: 2 }], budget: { watts: 400 } },
      status: {
        budgetWatts: 400,
        currentWatts: 1200,
        forecastWatts: 1250,
        overBudget: true,
        lastEvaluation: '2026-06-01T12:00:30Z',
        conditions: [
          cond('OverBudget', 'True', 'AboveAct', 'power 1200 W ≥ act 380 W'),
          cond('Enforcing', 'True', 'LimitReplicas', 'limits written'),
          cond('MetricsUnavailable', 'False', 'PowerData', 'every target has power data'),
        ],
        targets: [
          {
            kind: 'ScaledObject',
            name: 'llama',
            state: 'Ok',
            replicas: 4,
            maxReplicas: 2,
            watts: 1200,
            wattsPerReplica: { p50: 300, p90: 300 },
            recommendation: { maxReplicas: 2 },
            reason: 'priority: 2 of 4 needed replicas; floor 2',
          },
        ],
        actions: [
          {
            time: '2026-06-01T12:00:00Z',
            target: 'ScaledObject/llama',
            action: 'LimitReplicas',
            change: 'maxReplicaCount 10 → 2',
            reason: 'power 1200 W ≥ act 380 W',
          },
          {
            time: '2026-06-01T12:00:30Z',
            target: 'ScaledObject/llama',
            action: 'Alert',
            change: 'warning sent',
            reason: 'the floors alone need 600 W, over the budget 400 W: floors win',
          },
        ],
      },
    },
    {
      apiVersion: 'powerplane.io/v1alpha1',
      kind: 'PowerCapPolicy',
      metadata: { name: 'web', namespace: 'llm' },
      spec: { mode: 'DryRun', targets: [{ kind: 'Deployment', name: 'web' }], budget: { watts: 900 } },
      status: {
        budgetWatts: 900,
        overBudget: false,
        conditions: [cond('MetricsUnavailable', 'True', 'NoPowerData', 'no power data for Deployment/web')],
        targets: [
          {
            kind: 'Deployment',
            name: 'web',
            state: 'MetricsUnavailable',
            replicas: 3,
            reason: 'no power data for this target: nothing recommended (never scaled to 1)',
          },
        ],
        actions: [],
      },
    },
  ];
}

/** Waits until the element's text equals (or matches) `want`. */
async function waitText(p: Page, selector: string, want: string | RegExp): Promise<string> {
  await p.waitForFunction(
    ([sel, src, isRe]) => {
      const t = document.querySelector(sel)?.textContent?.trim() ?? '';
      return isRe ? new RegExp(src).test(t) : t === src;
    },
    [selector, typeof want === 'string' ? want : want.source, typeof want !== 'string'] as const,
    WAIT,
  );
  return (await p.textContent(selector))!.trim();
}

test('first run prints one line with the URL', () => {
  assert.match(up.line, /^powerplane is up: open http:\/\/127\.0\.0\.1:\d+\/ \(metrics at http:\/\/127\.0\.0\.1:\d+\/metrics\)$/);
});

test('overview shows the expected watts, estimated and with the model named, and live charts', async () => {
  await page.goto(`${up.url}/`);
  await waitText(page, '#node-watts', EXPECTED.nodeWatts);
  assert.equal(await waitText(page, '#node-active', EXPECTED.activeWatts), EXPECTED.activeWatts);
  assert.equal(await waitText(page, '#node-idle', EXPECTED.idleWatts), EXPECTED.idleWatts);
  assert.equal(await waitText(page, '#node-busy', EXPECTED.busy), EXPECTED.busy);
  const source = (await page.textContent('#node-source'))!;
  assert.match(source, /^Estimated by a power model — model linear:idle=20,max=100; not measured$/);
  assert.match((await page.textContent('#meter-badge'))!, /^estimated · linear:idle=20,max=100$/);
  assert.match((await page.textContent('#zone-table tbody'))!, /package/);
  // Idle share of this interval and the model's baseline are two cards, named for what they are.
  assert.match((await page.textContent('#node-idle'))!.trim(), /W$/);
  assert.equal(await page.isVisible('#card-baseline'), true);
  assert.equal(await page.textContent('#node-baseline-label'), 'Baseline (model at 0 % CPU)');
  assert.equal(await page.textContent('#node-baseline'), '20.0 W');
  assert.match((await page.textContent('#node-baseline-sub'))!, /100 W at 100 % CPU/);
  // The live stream appends points: wait for a few, then the charts have drawn.
  await page.waitForFunction(() => (document.querySelector('#live-status')?.textContent ?? '').startsWith('live'), undefined, WAIT);
  const seen = fixture.refreshes();
  while (fixture.refreshes() < seen + 2) await new Promise((r) => setTimeout(r, 100));
  await page.waitForSelector('#chart-zones canvas', WAIT);
  await page.waitForSelector('#chart-active canvas', WAIT);
  assert.match((await page.textContent('#chart-zones .u-legend'))!, /package/);
  await page.screenshot({ path: join(ARTIFACTS, 'overview.png'), fullPage: true });
});

test('workloads: the expected top process, search, sort, keyboard, history of one workload', async () => {
  await page.click('#tab-workloads');
  await page.waitForSelector('#workload-table tbody tr', WAIT);
  await waitText(page, '#workload-table tbody tr:first-child td.wl-watts', EXPECTED.topProcess.watts);
  assert.match((await page.textContent('#workload-table tbody tr:first-child td.wl-name'))!, /^stress-ng$/);
  const names = await page.$$eval('#workload-table tbody td.wl-name', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(names.slice(0, 3), ['stress-ng', 'nginx', 'systemd']);
  await page.fill('#workload-search', 'ngin');
  assert.deepEqual(await page.$$eval('#workload-table tbody td.wl-name', (tds) => tds.map((t) => t.textContent)), ['nginx']);
  await page.fill('#workload-search', '');
  await page.click('th button[data-sort="joulesTotal"]');
  assert.equal(await page.getAttribute('th:has(button[data-sort="joulesTotal"])', 'aria-sort'), 'descending');
  await page.click('th button[data-sort="watts"]');
  await page.click('th button[data-sort="watts"]');
  assert.equal(await page.getAttribute('th:has(button[data-sort="watts"])', 'aria-sort'), 'ascending');
  assert.equal(await page.textContent('#workload-table tbody tr:last-child td.wl-name'), 'stress-ng');
  await page.click('th button[data-sort="watts"]');
  // Processes show pid (and executable, where readable) and where they run.
  assert.match(
    (await page.textContent('#workload-table tbody tr:first-child td:nth-child(2)'))!,
    /^pid 4242 · stress-ng --cpu 4 · container [0-9a-f]{12}$/,
  );
  assert.match(
    (await page.textContent('#workload-table tbody tr:has(td.wl-name:text-is("systemd")) td:nth-child(2)'))!,
    /^pid 1 · \/sbin\/init · host$/,
  );
  // Keyboard focus stays on the same row across refreshes.
  await page.focus('#workload-table tbody tr:nth-child(2)');
  const focusedId = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id);
  const before = fixture.refreshes();
  while (fixture.refreshes() < before + 2) await new Promise((r) => setTimeout(r, 100));
  await page.waitForTimeout(1500);
  assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.id), focusedId, 'focus kept on the same row');
  // Keyboard: focus the first row, Enter opens its history.
  await page.focus('#workload-table tbody tr:first-child');
  await page.keyboard.press('Enter');
  await waitText(page, '#workload-detail h2', 'stress-ng');
  await page.waitForSelector('#chart-workload canvas', WAIT);
  // The chart says its resolution: a history this short is all at full resolution (one point per refresh).
  assert.match((await page.textContent('#workload-resolution'))!, /^One point per 1-s refresh\./);
  await page.screenshot({ path: join(ARTIFACTS, 'workloads.png'), fullPage: true });
  // Pods (from the API server's pods of this node): the expected top pod.
  await page.selectOption('#workload-level', 'pod');
  await page.waitForFunction(
    (name) => document.querySelector('#workload-table tbody tr:first-child td.wl-name')?.textContent === name,
    EXPECTED.topPod.name,
    WAIT,
  );
  assert.equal(await waitText(page, '#workload-table tbody tr:first-child td.wl-watts', EXPECTED.topPod.watts), EXPECTED.topPod.watts);
  assert.equal(await page.textContent('#workload-table tbody tr:first-child td:nth-child(2)'), EXPECTED.topPod.namespace);
  await page.screenshot({ path: join(ARTIFACTS, 'workloads-pods.png'), fullPage: true });
  // Containers carry their pod.
  await page.selectOption('#workload-level', 'container');
  await page.waitForFunction(
    (id) => document.querySelector('#workload-table tbody tr:first-child')?.getAttribute('data-id') === id,
    EXPECTED.stressContainerId,
    WAIT,
  );
  assert.equal(await page.textContent('#workload-table tbody tr:first-child td.wl-name'), EXPECTED.topContainer.name);
  assert.equal(await page.textContent('#workload-table tbody tr:first-child td:nth-child(2)'), EXPECTED.topContainer.where);
  assert.equal(await waitText(page, '#workload-table tbody tr:first-child td.wl-watts', EXPECTED.topProcess.watts), EXPECTED.topProcess.watts);
});

test("estimator playground returns WAO's curve for the Fake nodes and the placement per k", async () => {
  await page.click('#tab-estimator');
  await page.fill('#est-cpu', '500');
  await page.fill('#est-n', '5');
  await page.click('#est-submit');
  assert.equal(await waitText(page, '#est-curve', /^\[/), '[5 10 15 20 25]');
  const rows = await page.$$eval('#est-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
  assert.deepEqual(rows[0], ['1', '5.00 W', 'worker: 1']);
  assert.deepEqual(rows[4], ['5', '25.0 W', 'worker: 5']);
  await page.waitForSelector('#chart-estimator canvas', WAIT);
  await page.waitForSelector('#est-nodes table', WAIT);
  const nodes = await page.$$eval('#est-nodes tbody th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(nodes.sort(), ['control-plane', 'worker', 'worker2']);
  await page.screenshot({ path: join(ARTIFACTS, 'estimator.png'), fullPage: true });
  // A bad request is shown, not thrown.
  await page.fill('#est-name', 'default/nope');
  await page.click('#est-submit');
  await waitText(page, '#est-error', /ErrServerEstimatorNotFound/);
  await page.fill('#est-name', 'default/default');
  // +Inf is explained per node: 8-core workloads fit once on each worker, never on the control-plane
  await page.fill('#est-cpu', '8000');
  await page.fill('#est-n', '3');
  await page.click('#est-submit');
  assert.match(
    await waitText(page, '#est-reasons', /control-plane/),
    /^\+Inf from k = 3: the nodes have room for 2 workloads at most\. Nodes that cannot take one:control-plane: predictor None: this node takes no workloads$/,
  );
  await page.fill('#est-cpu', '500');
  await page.fill('#est-n', '5');
});

test('models view shows a trained model with its accuracy and measured-vs-predicted plot', async () => {
  // Train a model through the model server's API, as a user would, on Kepler's nx12 ACPI data.
  const csv = readFileSync(sharedDataPath('kepler-model-db', 'nx12', 'preprocess_abs_default_acpi_BPFOnly.csv'));
  const res = await fetch(`${up.url}/api/v1/train?features=BPFOnly&target=platform_power&trainers=linear&energy_source=acpi&name=nx12-linear`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: csv,
  });
  assert.equal(res.status < 300, true, await res.clone().text());
  const job = (await res.json()) as { id: string };
  for (;;) {
    const j = (await (await fetch(`${up.url}/api/v1/jobs/${job.id}`)).json()) as { state: string; error?: unknown };
    if (j.state === 'succeeded') break;
    assert.notEqual(j.state, 'failed', `training job ${JSON.stringify(j)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await page.click('#tab-models');
  await page.waitForSelector('#models-list section.model', WAIT);
  const text = (await page.textContent('#models-list section.model'))!;
  assert.match(text, /nx12-linear/);
  assert.match(text, /Accuracy: MAE \d+\.\d\d W · MAPE \d+\.\d\d % · R² \d\.\d{3} · \d+ held-out samples, 5 folds/);
  assert.match(text, /best of its run/, 'the only model of its run is the best');
  assert.doesNotMatch(text, /in use by this node/, 'the agent uses its configured linear curve, not this model');
  await page.waitForFunction(
    () => {
      const img = document.querySelector<HTMLImageElement>('#models-list img.plot');
      return Boolean(img && img.complete && img.naturalWidth > 0);
    },
    undefined,
    WAIT,
  );
  await page.screenshot({ path: join(ARTIFACTS, 'models.png'), fullPage: true });
});

test('capping: per policy budget vs current, recommendations with reasons and recent actions, from the cluster', async () => {
  await page.click('#tab-capping');
  await page.waitForSelector('section.cap-policy[data-policy="llm/gpu-rack"]', WAIT);
  const rack = 'section.cap-policy[data-policy="llm/gpu-rack"]';
  assert.equal(await page.textContent(`${rack} h2`), 'llm/gpu-rack Enforceover budget');
  assert.equal(await page.textContent(`${rack} .cap-line`), '1.20 kW of 400 W (300 %), forecast 1.25 kW');
  assert.equal(await page.getAttribute(`${rack} [role=meter]`, 'aria-valuenow'), '1200');
  assert.match((await page.textContent(`${rack} .cap-conditions`))!, /^Conditions: OverBudget \(AboveAct\), Enforcing \(LimitReplicas\)/);
  const targets = await page.$$eval(`${rack} table.cap-targets tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)),
  );
  assert.deepEqual(targets, [['ScaledObject/llama', 'Ok', '4', '2', 'max 2 replicas', '1.20 kW', 'priority: 2 of 4 needed replicas; floor 2']]);
  const actions = await page.$$eval(`${rack} table.cap-actions tbody tr`, (trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)).map((r) => r.slice(1)),
  );
  assert.deepEqual(actions, [
    ['Alert', 'ScaledObject/llama', 'warning sent', 'the floors alone need 600 W, over the budget 400 W: floors win'],
    ['LimitReplicas', 'ScaledObject/llama', 'maxReplicaCount 10 → 2', 'power 1200 W ≥ act 380 W'],
  ]);
  // The chart draws what the page has read: a line from the second reading on (the tab re-reads every 10 s).
  assert.match((await page.textContent(`${rack} .cap-chart-note`))!, /^The chart starts at the next reading/);
  await page.waitForSelector(`${rack} .cap-chart canvas`, WAIT);
  assert.equal(await page.isHidden(`${rack} .cap-chart-note`), true);
  // A DryRun policy whose target has no power data: no figure is made up, nothing is recommended.
  const web = 'section.cap-policy[data-policy="llm/web"]';
  assert.equal(await page.textContent(`${web} .cap-line`), 'budget 900 W; no power data for the targets');
  assert.equal(await page.$(`${web} [role=meter]`), null);
  assert.deepEqual(await page.$$eval(`${web} table.cap-targets tbody td`, (tds) => tds.map((td) => td.textContent)), [
    'Deployment/web',
    'MetricsUnavailable',
    '3',
    '–',
    'none',
    '–',
    'no power data for this target: nothing recommended (never scaled to 1)',
  ]);
  assert.equal(await page.textContent(`${web} p.muted:last-child`), 'No actions yet.');
  await page.screenshot({ path: join(ARTIFACTS, 'capping.png'), fullPage: true });
});

test('capabilities say what this node can and cannot measure', async () => {
  await page.click('#tab-capabilities');
  await page.waitForSelector('#caps table', WAIT);
  const text = (await page.textContent('#caps'))!;
  assert.match(text, /Estimated by a power model/);
  assert.doesNotMatch(text, /CPU zones/, 'an estimating meter has no CPU zones to claim');
  assert.match(
    text,
    /CPU powerestimatedestimated by linear:idle=20,max=100, not measured; 20\.0 W at 0 % CPU, 100 W at 100 %; model\.idleWatts and model\.maxWatts set in the configuration/,
  );
  const meters = await page.$$eval('#caps table[aria-label="Meters tried"] tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(
    meters.some((m) => /^modelyes/.test(m ?? '')),
    meters.join(' | '),
  );
  assert.match(text, /Pods \(Kubernetes\)yesfrom apiserver/);
  await page.screenshot({ path: join(ARTIFACTS, 'capabilities.png'), fullPage: true });
});

test('every tab at 1400 px and 420 px: screenshots saved, nothing wider than the screen, watts in view on a phone', async () => {
  const tabs = await page.$$eval('nav[role=tablist] button[role=tab]', (bs) => bs.map((b) => b.id));
  assert.ok(tabs.length >= 6, tabs.join(','));
  for (const width of [1400, 420]) {
    const p = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: 'light' });
    try {
      await p.goto(`${up.url}/`);
      await p.waitForSelector('#node-watts:not(:empty)', WAIT);
      for (const tab of tabs) {
        await p.click(`#${tab}`);
        const panel = (await p.getAttribute(`#${tab}`, 'aria-controls'))!;
        await p.waitForSelector(`#${panel}:not([hidden])`, WAIT);
        if (tab === 'tab-workloads') await p.waitForSelector('#workload-table tbody tr', WAIT);
        if (tab === 'tab-capping') await p.waitForSelector('section.cap-policy', WAIT);
        await p.waitForTimeout(300);
        await p.screenshot({ path: join(ARTIFACTS, `${tab.replace(/^tab-/, '')}-${width}.png`), fullPage: true });
        const pageWidth = await p.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(pageWidth <= width, `${tab} at ${width} px is ${pageWidth} px wide`);
        if (tab === 'tab-workloads') {
          const right = await p.$eval('#workload-table tbody tr:first-child td.wl-watts', (td) => td.getBoundingClientRect().right);
          assert.ok(right <= width, `the watts column ends at ${right} px on a ${width} px screen`);
        }
      }
    } finally {
      await p.close();
    }
  }
});

test('tabs work from the keyboard and every control has an accessible name', async () => {
  await page.focus('#tab-capabilities');
  await page.keyboard.press('Home');
  assert.equal(await page.getAttribute('#tab-overview', 'aria-selected'), 'true');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-workloads', 'aria-selected'), 'true');
  assert.equal(await page.isHidden('#view-overview'), true);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tab-workloads');
  const unnamed = await page.$$eval('button, input, select, [role=tab], tbody tr[tabindex]', (els) =>
    els
      .filter((el) => !(el.getAttribute('aria-label') || (el as HTMLInputElement).labels?.length || el.textContent?.trim()))
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, []);
  assert.deepEqual(pageErrors, []);
});

test('dark mode follows prefers-color-scheme', async () => {
  const dark = await browser.newPage({ viewport: { width: 1366, height: 768 }, colorScheme: 'dark' });
  try {
    await dark.goto(`${up.url}/`);
    await waitText(dark, '#node-watts', EXPECTED.nodeWatts);
    await dark.waitForSelector('#chart-zones canvas', WAIT);
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(18, 20, 22)');
    await dark.screenshot({ path: join(ARTIFACTS, 'overview-dark.png'), fullPage: true });
  } finally {
    await dark.close();
  }
});

test('a measured node is presented as measured, with the meter named', async () => {
  const agent = createStubAgent();
  agent.refresh(stubNode(Date.now(), 41, 4), {
    process: [stubWorkload('process', '9', 'make', 3), stubWorkload('process', '66', '<img src=x onerror="window.pwned=1">', 1)],
  });
  const { config } = loadConfig({});
  const server: PowerplaneServer = await createServer({
    log: silentLogger(),
    components: [stubAgentRoutes(agent), await createDashboardComponent({ config, log: silentLogger(), agent })],
  });
  const url = await server.listen('127.0.0.1:0');
  const p = await browser.newPage();
  try {
    await p.goto(`${url}/`);
    await waitText(p, '#node-watts', '45.0 W');
    assert.equal(await p.textContent('#node-source'), 'Measured by RAPL (Intel/AMD powercap)');
    assert.equal(await p.textContent('#meter-badge'), 'measured · rapl');
    // Workload names are text, never markup.
    await p.click('#tab-workloads');
    await p.waitForSelector('#workload-table tbody tr:nth-child(2)', WAIT);
    assert.equal(await p.textContent('#workload-table tbody tr:nth-child(2) td.wl-name'), '<img src=x onerror="window.pwned=1">');
    assert.equal(await p.$$eval('#workload-table img', (imgs) => imgs.length), 0);
    assert.equal(await p.evaluate(() => (window as unknown as { pwned?: number }).pwned), undefined);
    await p.click('#tab-overview');
    // A refresh arrives over the stream and updates the number.
    agent.refresh(stubNode(Date.now() + 1000, 50, 5), { process: [stubWorkload('process', '9', 'make', 3)] });
    await waitText(p, '#node-watts', '55.0 W');
  } finally {
    await p.close();
    await server.close();
  }
});

test('a long history: the workload chart says which part is 1-minute averages and marks partial minutes', async () => {
  const agent = createStubAgent();
  // Two hours of 5 s refreshes (synthetic times ending now): the older hour is averaged by minute.
  // `flaky` is among the workloads at one refresh in three, so its averaged minutes are partial.
  const { config } = loadConfig({ flags: { 'dashboard.historyLength': '1440' } });
  const server = await createServer({
    log: silentLogger(),
    components: [stubAgentRoutes(agent), await createDashboardComponent({ config, log: silentLogger(), agent })],
  });
  const url = await server.listen('127.0.0.1:0');
  const n = 1440;
  const end = Date.now();
  for (let i = 0; i < n; i++) {
    const items = [stubWorkload('process', '9', 'make', 3 + (i % 4))];
    if (i % 3 === 0 || i === n - 1) items.push(stubWorkload('process', '77', 'flaky', 1));
    agent.refresh(stubNode(end - (n - 1 - i) * 5000, 41, 4), { process: items });
  }
  const p = await browser.newPage();
  try {
    await p.goto(`${url}/#workloads`);
    await p.click('#tab-workloads');
    await p.waitForSelector('#workload-table tbody tr[data-id="77"]', WAIT);
    await p.click('#workload-table tbody tr[data-id="9"]');
    await p.waitForSelector('#chart-workload canvas', WAIT);
    const until = '\\d{1,2}:\\d{2}(?:\\s?[AaPp]\\.?\\s?[Mm]\\.?)?';
    assert.match(
      await waitText(p, '#workload-resolution', new RegExp(`^1-min averages \\(time-weighted\\) until ${until}, then one point per 5-s refresh\\.$`)),
      /1-min averages/,
    );
    await p.click('#workload-table tbody tr[data-id="77"]');
    await waitText(p, '#workload-detail h2', 'flaky');
    assert.match(
      await waitText(p, '#workload-resolution', /Dots: minutes when it was outside the top at some refreshes/),
      new RegExp(`^1-min averages \\(time-weighted\\) until ${until}, then one point per 5-s refresh\\. Dots:`),
    );
    await p.screenshot({ path: join(ARTIFACTS, 'workload-long-history.png'), fullPage: true });
  } finally {
    await p.close();
    await server.close();
  }
});

test('on a server without an agent (the estimator with --web.ui) the page says so and still serves the estimator', async () => {
  const { config } = loadConfig({});
  const server = await createServer({ log: silentLogger(), components: [await createDashboardComponent({ config, log: silentLogger() })] });
  const url = await server.listen('127.0.0.1:0');
  const p = await browser.newPage();
  try {
    await p.goto(`${url}/`);
    await waitText(p, '#node-watts', 'n/a');
    assert.equal(await p.textContent('#node-source'), 'This server runs no agent, so there is no node power here.');
    assert.equal(await waitText(p, '#live-status', 'no agent'), 'no agent');
    await p.click('#tab-capabilities');
    await waitText(p, '#caps', 'This server runs no agent.');
    // No cluster configured: the Capping tab says so rather than showing an empty list.
    await p.click('#tab-capping');
    assert.match(await waitText(p, '#capping-none', /^This server has no Kubernetes cluster configured/), /no PowerCapPolicies to show/);
  } finally {
    await p.close();
    await server.close();
  }
});
