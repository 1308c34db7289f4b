import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeZip, readZip, entryNameProblem } from './zip.js';
import { crc32 } from './crc32.js';
import { ERR_ARCHIVE_INVALID } from '../errors.js';

test('crc32 matches the standard check value', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('round trip: stored and deflated entries come back byte for byte', () => {
  const entries = [
    { name: 'metadata.json', data: Buffer.from(JSON.stringify({ a: 'x'.repeat(500) })) },
    { name: 'b.bin', data: Buffer.from([1, 2, 3]) },
    { name: 'empty', data: Buffer.alloc(0) },
  ];
  const back = readZip(writeZip(entries));
  assert.deepEqual(
    back.map((e) => [e.name, e.data.toString('hex')]),
    entries.map((e) => [e.name, e.data.toString('hex')]),
  );
});

test('archives written here are read by Info-ZIP unzip (what users and Kepler tooling use)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-zip-'));
  const file = join(dir, 'm.zip');
  const text = '{"k":' + '1,'.repeat(100) + '1}';
  writeFileSync(
    file,
    writeZip([
      { name: 'model.json', data: Buffer.from(text) },
      { name: 'w.json', data: Buffer.from('{}') },
    ]),
  );
  assert.match(execFileSync('unzip', ['-t', file]).toString(), /No errors detected/);
  assert.equal(execFileSync('unzip', ['-p', file, 'model.json']).toString(), text);
});

test('zip-slip and other unsafe names are rejected', () => {
  for (const name of ['../evil.json', 'a/../../evil', '/etc/passwd', 'C:/x', 'a\\b', 'x\0y', '.hidden/../x']) {
    const z = writeZip([{ name, data: Buffer.from('x') }]);
    assert.throws(
      () => readZip(z),
      (e) => ERR_ARCHIVE_INVALID.is(e) && e.details.field === 'archive',
      name,
    );
    assert.ok(entryNameProblem(name), name);
  }
  assert.equal(entryNameProblem('dir/model.json'), undefined);
});

test('corrupt, encrypted, duplicate and oversized archives are rejected', () => {
  const good = writeZip([{ name: 'a', data: Buffer.from('hello hello hello hello hello') }]);
  const flipped = Buffer.from(good);
  flipped[40] ^= 0xff; // inside the compressed data of entry a
  assert.throws(
    () => readZip(flipped),
    (e) => ERR_ARCHIVE_INVALID.is(e),
  );
  assert.throws(
    () => readZip(Buffer.from('not a zip at all, definitely not')),
    (e) => ERR_ARCHIVE_INVALID.is(e),
  );
  const enc = Buffer.from(good);
  const cd = enc.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  enc.writeUInt16LE(enc.readUInt16LE(cd + 8) | 1, cd + 8);
  assert.throws(() => readZip(enc), /encrypted/);
  const dup = writeZip([
    { name: 'a', data: Buffer.from('1') },
    { name: 'a', data: Buffer.from('2') },
  ]);
  assert.throws(() => readZip(dup), /twice/);
  const big = writeZip([{ name: 'a', data: Buffer.alloc(10_000) }]);
  assert.throws(() => readZip(big, { maxEntries: 4, maxTotalBytes: 1000 }), /inflates beyond/);
  const many = writeZip(Array.from({ length: 5 }, (_, i) => ({ name: `f${i}`, data: Buffer.from('x') })));
  assert.throws(() => readZip(many, { maxEntries: 4, maxTotalBytes: 1000 }), /5 entries/);
});
