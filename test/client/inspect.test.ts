/**
 * `npm run inspect` runs the MCP Inspector's CLI mode from the repository root (where a bare
 * `npx @modelcontextprotocol/inspector-cli` fails to find its own package.json) against a running
 * stack, with the token from MCP_TOKEN, and lists the tools; `--print` shows the command with the
 * token as $MCP_TOKEN, never its value.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { repoRoot, runCli } from './cli-runner.ts';

const INSPECT = path.join(repoRoot, 'scripts', 'inspect.ts');
let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('npm run inspect', () => {
  it('lists the tools of the running stack from the repository root, with the token from MCP_TOKEN', async () => {
    const run = await runCli([], {
      entry: INSPECT,
      env: { MCP_SERVER_ENDPOINT: stack.endpoint, MCP_TOKEN: stack.token },
      timeoutMs: 90_000,
    });
    expect(run.stderr).not.toContain('Cannot find module');
    expect(run.code).toBe(0);
    const { tools } = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name)).toContain('ping');
  }, 100_000);

  it('a wrong token fails (the Inspector is not let in without the real one)', async () => {
    const run = await runCli([], {
      entry: INSPECT,
      env: { MCP_SERVER_ENDPOINT: stack.endpoint, MCP_TOKEN: 'not-the-token-0123456789' },
      timeoutMs: 90_000,
    });
    expect(run.code).not.toBe(0);
  }, 100_000);

  it('--print shows the command with $MCP_TOKEN in place of the token', async () => {
    const run = await runCli(['--print'], { entry: INSPECT, env: { MCP_TOKEN: stack.token }, timeoutMs: 60_000 });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--header "Authorization: Bearer $MCP_TOKEN"');
    expect(run.stdout).not.toContain(stack.token);
  }, 70_000);
});
