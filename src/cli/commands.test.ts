import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { COMMAND_MODULES } from './commands.js';

test('the top-level help lists exactly the commands each module registers', async () => {
  for (const m of COMMAND_MODULES) {
    const program = new Command('powerplane');
    (await m.load())(program);
    assert.deepEqual(program.commands.map((c) => c.name()).sort(), Object.keys(m.commands).sort());
    for (const c of program.commands) assert.ok(m.commands[c.name()].length > 0, `${c.name()} has a summary`);
  }
});
