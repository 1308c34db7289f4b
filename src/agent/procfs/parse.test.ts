import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCpuTimes, busyRatio, parsePidStatInto, emptyPidStat, parseCmdline } from './parse.js';
import { pidStatLine } from '../../../test/helpers/agent/procfs-fixtures.js';

test('parseCpuTimes: iowait counts as idle; guest time is not double counted', () => {
  const t = parseCpuTimes('cpu  8608833 7605 4179891 1295036209 426072 15697167 1285624 0 5327346 0\ncpu0 1 2 3 4\n');
  assert.deepEqual(t, { total: 8608833 + 7605 + 4179891 + 1295036209 + 426072 + 15697167 + 1285624, idle: 1295036209 + 426072 });
  assert.equal(parseCpuTimes('intr 1 2 3\n'), undefined);
  assert.equal(parseCpuTimes('cpu  a b c d\n'), undefined);
});

test('busyRatio: (Δtotal − Δidle)/Δtotal; 0 without progress or on a reset', () => {
  assert.equal(busyRatio({ total: 100, idle: 50 }, { total: 200, idle: 125 }), 0.25);
  assert.equal(busyRatio({ total: 100, idle: 50 }, { total: 100, idle: 50 }), 0);
  assert.equal(busyRatio({ total: 100, idle: 50 }, { total: 90, idle: 40 }), 0);
});

test('parsePidStatInto: comm with spaces and parentheses is taken up to the last ")"', () => {
  const line = '42 (a) b (c)) R 7 42 42 0 -1 4194560 1 0 0 0 150 25 0 0 20 0 1 0 987654 0 0';
  const buf = Buffer.from(line);
  const out = emptyPidStat();
  assert.equal(parsePidStatInto(buf, buf.length, out), true);
  assert.equal(buf.toString('utf8', out.commStart, out.commEnd), 'a) b (c)');
  assert.equal(out.pid, 42);
  assert.equal(out.ppid, 7);
  assert.equal(out.cpuTicks, 175);
  assert.equal(out.startTime, 987654);
});

test('parsePidStatInto: truncated and malformed input is rejected', () => {
  const out = emptyPidStat();
  for (const s of ['', '42', '42 (x', '42 (x) R 1 2 3', 'x (y) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20']) {
    const b = Buffer.from(s);
    assert.equal(parsePidStatInto(b, b.length, out), false, s);
  }
});

test('property: any comm and CPU times round-trip through the stat line', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4194304 }),
      fc.string({ maxLength: 15 }).filter((s) => !s.includes('\n')),
      fc.nat({ max: 2 ** 40 }),
      fc.nat({ max: 2 ** 40 }),
      fc.nat({ max: 2 ** 45 }),
      (pid, comm, utime, stime, startTime) => {
        const b = Buffer.from(pidStatLine({ pid, comm, utime, stime, startTime }));
        const out = emptyPidStat();
        assert.equal(parsePidStatInto(b, b.length, out), true);
        assert.equal(out.pid, pid);
        assert.equal(b.toString('utf8', out.commStart, out.commEnd), comm);
        assert.equal(out.cpuTicks, utime + stime);
        assert.equal(out.startTime, startTime);
      },
    ),
  );
});

test('property: arbitrary bytes never throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      parsePidStatInto(bytes, bytes.length, emptyPidStat());
    }),
  );
});

test('parseCmdline splits on NUL without a trailing empty argument', () => {
  assert.deepEqual(parseCmdline('a\0b c\0'), ['a', 'b c']);
  assert.deepEqual(parseCmdline(''), []);
});
