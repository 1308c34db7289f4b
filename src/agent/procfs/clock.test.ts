import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { clockTicksFromAuxv, hostClockTicks } from './clock.js';

/** An auxiliary vector of the given (key, value) pairs, ended by AT_NULL. */
function auxv(pairs: [number, number][], wordBytes: 4 | 8, le: boolean): Buffer {
  const buf = Buffer.alloc((pairs.length + 1) * 2 * wordBytes);
  [...pairs, [0, 0] as [number, number]].forEach(([k, v], i) => {
    for (const [j, x] of [k, v].entries()) {
      const at = (2 * i + j) * wordBytes;
      if (wordBytes === 8) le ? buf.writeBigUInt64LE(BigInt(x), at) : buf.writeBigUInt64BE(BigInt(x), at);
      else le ? buf.writeUInt32LE(x, at) : buf.writeUInt32BE(x, at);
    }
  });
  return buf;
}

test('AT_CLKTCK is read from an auxiliary vector of either word size and byte order', () => {
  const pairs: [number, number][] = [
    [33, 0x7ffd1000], // AT_SYSINFO_EHDR
    [6, 4096], // AT_PAGESZ
    [17, 250], // AT_CLKTCK
    [3, 0x400040], // AT_PHDR
  ];
  assert.equal(clockTicksFromAuxv(auxv(pairs, 8, true), 8, true), 250);
  assert.equal(clockTicksFromAuxv(auxv(pairs, 8, false), 8, false), 250);
  assert.equal(clockTicksFromAuxv(auxv(pairs, 4, true), 4, true), 250);
  assert.equal(clockTicksFromAuxv(auxv([[6, 4096]], 8, true), 8, true), undefined, 'absent');
  assert.equal(clockTicksFromAuxv(Buffer.alloc(5), 8, true), undefined, 'truncated');
});

test('the host clock tick rate is what getconf CLK_TCK reports', (t) => {
  let expected: number;
  try {
    expected = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
  } catch {
    t.skip('getconf is not installed');
    return;
  }
  assert.equal(hostClockTicks(), expected);
});
