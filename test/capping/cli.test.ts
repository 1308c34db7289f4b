import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { runPowerplane } from '../helpers/cli.js';

const STEP = join(REPO_ROOT, 'test/fixtures/capping/step-up.yaml');

test('cap simulate -o json with --plot: runs per algorithm, the bound, an SVG of power and load', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cap-cli-'));
  try {
    const svg = join(dir, 'out.svg');
    const r = await runPowerplane([
      'cap',
      'simulate',
      '--scenario',
      STEP,
      '--algorithm',
      'naive',
      '--algorithm',
      'efficiency',
      '-o',
      'json',
      '--plot',
      svg,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      scenario: string;
      bestPossibleServedFraction: number;
      runs: Array<{ algorithm: string; summary: Record<string, number>; series: { t: number[]; watts: number[] } }>;
    };
    assert.equal(out.scenario, 'step-up');
    assert.deepEqual(
      out.runs.map((x) => x.algorithm),
      ['naive', 'efficiency'],
    );
    for (const k of [
      'wattSecondsOverBudget',
      'maxOvershootWatts',
      'fractionOfTimeOverBudget',
      'demandServedFraction',
      'workPerJoule',
      'actions',
      'flaps',
    ])
      assert.equal(typeof out.runs[1].summary[k], 'number', k);
    assert.equal(out.runs[1].series.t.length, 240);
    assert.ok(out.bestPossibleServedFraction > 0 && out.bestPossibleServedFraction <= 1);
    const plot = readFileSync(svg, 'utf8');
    assert.match(plot, /^<svg /);
    assert.equal(plot.match(/<polyline/g)?.length, 6); // budget + 2 runs, demand + 2 runs
    assert.match(plot, /step-up: power vs budget/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cap simulate: bad input exits 2 naming the flag, the algorithm or the file and field', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-cap-cli-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(STEP, 'utf8').replace('stepSeconds: 15', 'stepSeconds: fast'));
    const cases: Array<[string[], RegExp]> = [
      [['cap', 'simulate', '--scenario', STEP, '-o', 'xml'], /--output must be text or json/],
      [['cap', 'simulate', '--scenario', STEP, '--algorithm', 'magic'], /no capping algorithm "magic"/],
      [['cap', 'simulate', '--scenario', bad], /bad\.yaml:\d+: stepSeconds: /],
      [['cap', 'simulate', '--scenario', join(dir, 'absent.yaml')], /cannot read scenario .*absent\.yaml/],
      [['cap', 'algorithms', 'show', 'magic'], /no capping algorithm "magic"/],
    ];
    for (const [args, message] of cases) {
      const r = await runPowerplane(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cap algorithms show prints the parameter schema', async () => {
  const r = await runPowerplane(['cap', 'algorithms', 'show', 'efficiency']);
  assert.equal(r.code, 0, r.stderr);
  const info = JSON.parse(r.stdout) as { kind: string; parameters: { properties: Record<string, unknown> } };
  assert.equal(info.kind, 'builtin');
  assert.deepEqual(Object.keys(info.parameters.properties), ['percentile', 'nodeLimit']);
});
