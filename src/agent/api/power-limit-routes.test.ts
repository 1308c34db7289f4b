import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitWatts } from './power-limit-routes.js';
import { ERR_GPU_LIMIT_BAD_REQUEST } from '../gpu/errors.js';

test('a power-limit body is {"watts": W} with W above 0, and nothing else', () => {
  assert.equal(limitWatts({ watts: 450 }), 450);
  assert.equal(limitWatts({ watts: 0.5 }), 0.5);
  const field = (body: unknown) => {
    try {
      limitWatts(body);
    } catch (err) {
      assert.ok(ERR_GPU_LIMIT_BAD_REQUEST.is(err));
      return (err as { details?: { field?: string } }).details?.field;
    }
    return 'accepted';
  };
  assert.equal(field(null), 'body');
  assert.equal(field([450]), 'body');
  assert.equal(field('450'), 'body');
  assert.equal(field({}), 'watts');
  assert.equal(field({ watts: '450' }), 'watts');
  assert.equal(field({ watts: 0 }), 'watts');
  assert.equal(field({ watts: -5 }), 'watts');
  assert.equal(field({ watts: Number.POSITIVE_INFINITY }), 'watts');
  assert.equal(field({ watts: 450, force: true }), 'force');
});
