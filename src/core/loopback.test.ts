import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLoopbackHost } from './loopback.js';

test('loopback hosts: localhost, ::1 (bracketed or not), 127.0.0.0/8, any case', () => {
  for (const h of ['localhost', 'LOCALHOST', '::1', '[::1]', '127.0.0.1', '127.1.2.3']) assert.equal(isLoopbackHost(h), true, h);
  for (const h of ['', '0.0.0.0', '::', '10.0.0.5', '127.0.0.1.example.com', 'localhost.example.com', '1270.0.0.1', '128.0.0.1'])
    assert.equal(isLoopbackHost(h), false, h);
});
