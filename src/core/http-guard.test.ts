import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkWrite, hostnameOf, isCrossOrigin, isHostAllowed, mediaTypeOf } from './http-guard.js';

test('host names from Host headers', () => {
  assert.equal(hostnameOf('Example.COM:8100'), 'example.com');
  assert.equal(hostnameOf('[::1]:28282'), '::1');
  assert.equal(hostnameOf('model-server.powerplane.svc.'), 'model-server.powerplane.svc');
  assert.equal(hostnameOf(''), undefined);
  assert.equal(hostnameOf('a b'), undefined);
  assert.equal(hostnameOf('user@evil:80'), undefined);
});

test('Host: IP literals, localhost, the listen host and configured names pass; rebinding names do not', () => {
  const loop = { listenHost: '127.0.0.1', allowedHosts: [] };
  for (const h of ['127.0.0.1:28282', 'localhost:28282', '[::1]:28282', 'app.localhost', '10.1.2.3:8100'])
    assert.equal(isHostAllowed(h, loop), true, h);
  for (const h of ['evil.example:28282', 'localhost.evil.example', undefined, '']) assert.equal(isHostAllowed(h, loop), false, String(h));
  const named = { listenHost: 'box.lan', allowedHosts: ['model-server.powerplane.svc', '.example.org'] };
  assert.equal(isHostAllowed('box.lan:80', named), true);
  assert.equal(isHostAllowed('model-server.powerplane.svc:8100', named), true);
  assert.equal(isHostAllowed('example.org', named), true);
  assert.equal(isHostAllowed('a.b.example.org', named), true);
  assert.equal(isHostAllowed('badexample.org', named), false);
  assert.equal(isHostAllowed('anything', { listenHost: '0.0.0.0', allowedHosts: ['*'] }), true);
});

test('Origin: same origin passes, another origin or null does not, none is a non-browser client', () => {
  assert.equal(isCrossOrigin(undefined, '127.0.0.1:28282'), false);
  assert.equal(isCrossOrigin('http://127.0.0.1:28282', '127.0.0.1:28282'), false);
  assert.equal(isCrossOrigin('http://LOCALHOST:28282', 'localhost:28282'), false);
  assert.equal(isCrossOrigin('http://example.com', 'example.com:80'), false);
  assert.equal(isCrossOrigin('https://example.com', 'example.com:443'), false);
  assert.equal(isCrossOrigin('http://127.0.0.1:28283', '127.0.0.1:28282'), true);
  assert.equal(isCrossOrigin('https://evil.example', '127.0.0.1:28282'), true);
  assert.equal(isCrossOrigin('null', '127.0.0.1:28282'), true);
  assert.equal(isCrossOrigin('chrome-extension://abc', '127.0.0.1:28282'), true);
});

test('writes: CORS-safelisted content types and bodies without a type are refused', () => {
  assert.equal(mediaTypeOf('Text/Plain;charset=UTF-8'), 'text/plain');
  for (const ct of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    assert.deepEqual(checkWrite({ host: 'h', 'content-type': ct, 'content-length': '3' }), { kind: 'content-type', mediaType: mediaTypeOf(ct) });
  }
  assert.deepEqual(checkWrite({ host: 'h', 'content-length': '3' }), { kind: 'content-type', mediaType: '' });
  assert.equal(checkWrite({ host: 'h', 'content-length': '0' }), undefined);
  assert.equal(checkWrite({ host: 'h' }), undefined);
  assert.equal(checkWrite({ host: 'h', 'content-type': 'application/json', 'content-length': '2' }), undefined);
  assert.deepEqual(checkWrite({ host: 'h', origin: 'https://evil.example', 'content-type': 'application/json' }), {
    kind: 'origin',
    origin: 'https://evil.example',
  });
});
