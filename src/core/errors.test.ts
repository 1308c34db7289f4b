import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ERR_INVALID_FLAG, errorMessage } from './errors.js';

test('errorMessage: the message of an Error, of a catalog error, and the string form of anything else thrown', () => {
  assert.equal(errorMessage(new TypeError('bad type')), 'bad type');
  assert.equal(errorMessage(ERR_INVALID_FLAG('--x is wrong')), '--x is wrong');
  assert.equal(errorMessage('plain string'), 'plain string');
  assert.equal(errorMessage(42), '42');
  assert.equal(errorMessage(undefined), 'undefined');
});
