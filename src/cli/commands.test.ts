import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMAND_MODULES } from './commands.js';

test('the top-level help summaries are exactly the commands each module registers, with their descriptions', async () => {
  for (const m of COMMAND_MODULES) {
    const program = new Command('powerplane');
    (await m.load())(program);
    const registered = Object.fromEntries(program.commands.map((c) => [c.name(), c.description()]));
    assert.deepEqual(registered, m.commands);
  }
});
