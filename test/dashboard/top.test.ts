import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from '../../src/core/server.js';
import { silentLogger } from '../../src/core/logger.js';
import { REPO_ROOT } from '../helpers/shared-data.js';
import { POWERPLANE_COMMAND, runPowerplane } from '../helpers/cli.js';
import { createStubAgent, stubAgentRoutes, stubNode, stubWorkload } from './stub-agent.js';

test('powerplane top prints one table from the agent API when stdout is not a TTY', async () => {
  const agent = createStubAgent();
  agent.refresh(stubNode(Date.UTC(2026, 0, 1, 8, 30, 0), 40, 5), {
    process: [stubWorkload('process', '4242', 'stress-ng', 12.5), stubWorkload('process', '1', 'systemd', 0.25)],
  });
  const server = await createServer({ log: silentLogger(), components: [stubAgentRoutes(agent)] });
  const url = await server.listen('127.0.0.1:0');
  try {
    const r = await runPowerplane(['top', '--address', url, '--level', 'process']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^stub-node {2}45\.00 W measured by rapl {2}at 08:30:00Z/);
    const table = lines.slice(lines.findIndex((l) => l.includes('W NOW')) + 1);
    assert.match(table[0], /^\s+12\.50\s+750\.0\s+25\.0 4242\s+stress-ng/);
    assert.match(table[1], /systemd/);
  } finally {
    await server.close();
  }
  const unreachable = await runPowerplane(['top', '--once', '--address', url]);
  assert.equal(unreachable.code, 1);
  assert.match(unreachable.stderr, /cannot reach/);
});

test('powerplane top: a bad flag exits 2 naming it', async () => {
  const r = await runPowerplane(['top', '--level', 'cluster']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--level must be one of pod\|container\|process\|vm/);
});

test('powerplane top on a terminal redraws in place, switches level with l and quits with q', async () => {
  const agent = createStubAgent();
  agent.refresh(stubNode(Date.UTC(2026, 0, 1, 8, 30, 0), 40, 5), { process: [stubWorkload('process', '4242', 'stress-ng', 12.5)] });
  const server = await createServer({ log: silentLogger(), components: [stubAgentRoutes(agent)] });
  const url = await server.listen('127.0.0.1:0');
  try {
    // util-linux `script` gives the command a pseudo-terminal, as a user's shell would.
    const cmd = `stty cols 100 rows 30; exec ${POWERPLANE_COMMAND.join(' ')} top --address ${url} --interval 200ms`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const seen = (re: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (re.test(out)) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', check);
        check();
      });
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await seen(/4242\s+stress-ng/);
    assert.match(out, /\x1b\[\?1049h/, 'alternate screen');
    assert.match(out, /stub-node {2}45\.00 W measured by rapl/);
    const before = out.length;
    child.stdin.write('l');
    await seen(/vm: 0 of 0/);
    assert.ok(out.length > before);
    child.stdin.write('q');
    assert.equal(await exited, 0);
    assert.match(out, /\x1b\[\?25h\x1b\[\?1049l/, 'cursor and screen restored');
  } finally {
    await server.close();
  }
});
