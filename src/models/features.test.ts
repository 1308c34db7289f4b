import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_GROUPS, mainFeature, resolveFeatures, validGroups } from './features.js';
import { ERR_MODEL_BAD_FEATURES } from './errors.js';

test('Kepler groups keep Kepler names and sorted order', () => {
  assert.deepEqual(FEATURE_GROUPS.BPFOnly, ['bpf_cpu_time_ms', 'bpf_page_cache_hit']);
  assert.deepEqual(FEATURE_GROUPS.CounterOnly, ['cache_miss', 'cpu_cycles', 'cpu_instructions']);
  assert.deepEqual(FEATURE_GROUPS.Basic, ['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cache_miss', 'cpu_cycles', 'cpu_instructions']);
  assert.deepEqual(FEATURE_GROUPS.BPFIRQ, ['bpf_block_irq', 'bpf_cpu_time_ms', 'bpf_net_rx_irq', 'bpf_net_tx_irq', 'bpf_page_cache_hit']);
  assert.ok(FEATURE_GROUPS.Full.includes('node_info') && FEATURE_GROUPS.Full.includes('cpu_scaling_frequency_hertz'));
  assert.deepEqual(FEATURE_GROUPS.CgroupOnly.length, 4);
  for (const g of [
    'BPFOnly',
    'CounterOnly',
    'Full',
    'WorkloadOnly',
    'CounterIRQCombined',
    'Basic',
    'BPFIRQ',
    'AcceleratorOnly',
    'CgroupOnly',
    'KubeletOnly',
  ]) {
    assert.deepEqual([...FEATURE_GROUPS[g]], [...FEATURE_GROUPS[g]].sort(), g);
  }
});

test('powerplane groups cover what the agent observes', () => {
  assert.deepEqual(FEATURE_GROUPS.CPUTime, ['bpf_cpu_time_ms']);
  assert.ok(FEATURE_GROUPS.ProcStat.includes('cpu_iowait_ratio'));
  assert.ok(FEATURE_GROUPS.NodeFull.includes('memory_used_ratio'));
});

test('resolveFeatures takes a group (any case), a comma list or an array', () => {
  assert.deepEqual(resolveFeatures('bpfonly'), ['bpf_cpu_time_ms', 'bpf_page_cache_hit']);
  assert.deepEqual(resolveFeatures(' a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(resolveFeatures(['x']), ['x']);
  const copy = resolveFeatures('BPFOnly');
  copy.push('mutated');
  assert.equal(FEATURE_GROUPS.BPFOnly.length, 2);
});

test('resolveFeatures rejects empty, duplicate and invalid names', () => {
  for (const bad of ['', ' , ', 'a,a', 'bad name', ['../x'], []]) {
    assert.throws(
      () => resolveFeatures(bad as string),
      (e) => ERR_MODEL_BAD_FEATURES.is(e),
      String(bad),
    );
  }
});

test('mainFeature prefers CPU time, then busy ratio, then counters', () => {
  assert.equal(mainFeature(['bpf_page_cache_hit', 'bpf_cpu_time_ms']), 'bpf_cpu_time_ms');
  assert.equal(mainFeature(['cache_miss', 'cpu_cycles', 'cpu_instructions']), 'cpu_instructions');
  assert.equal(mainFeature(['foo', 'bar']), 'foo');
  assert.throws(
    () => mainFeature([]),
    (e) => ERR_MODEL_BAD_FEATURES.is(e),
  );
});

test('validGroups lists groups fully contained in the available metrics', () => {
  const v = validGroups(['bpf_cpu_time_ms', 'bpf_page_cache_hit', 'cpu_busy_ratio']);
  assert.ok(v.includes('BPFOnly') && v.includes('CPUTime') && v.includes('CPUUsage'));
  assert.ok(!v.includes('CounterOnly'));
});
