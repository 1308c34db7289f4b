import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachmentDisposition, headerSafeId } from './content-disposition.js';

test('Content-Disposition: ASCII names as they are, with the same name in filename*', () => {
  assert.equal(attachmentDisposition('linear_1.zip'), `attachment; filename="linear_1.zip"; filename*=UTF-8''linear_1.zip`);
});

test('Content-Disposition: names outside Latin-1 and with quotes get an ASCII fallback and an exact UTF-8 filename*', () => {
  const v = attachmentDisposition('模型😀 "v2".zip');
  assert.equal(v, `attachment; filename="___ _v2_.zip"; filename*=UTF-8''%E6%A8%A1%E5%9E%8B%F0%9F%98%80%20%22v2%22.zip`);
  assert.ok(/^[\x20-\x7e]*$/.test(v), 'a header value of printable ASCII only');
  const star = /filename\*=UTF-8''(\S+)$/.exec(v)![1];
  assert.equal(decodeURIComponent(star), '模型😀 "v2".zip', 'filename* decodes to the exact name');
  assert.equal(attachmentDisposition('a\\b'), `attachment; filename="a_b"; filename*=UTF-8''a%5Cb`);
});

test('headerSafeId: ASCII, reversible per segment', () => {
  const id = 'p/rapl-sysfs/AbsPower/BPFOnly/模型 "x"';
  const h = headerSafeId(id);
  assert.ok(/^[\x21-\x7e]*$/.test(h));
  assert.equal(h.split('/').map(decodeURIComponent).join('/'), id);
  assert.equal(headerSafeId('a/b/AbsPower/c/linear_1'), 'a/b/AbsPower/c/linear_1');
});
