/**
 * Interop: the MCP Inspector's CLI mode (@modelcontextprotocol/inspector-cli), as a user runs it:
 * `mcp-inspector-cli --cli <url> --transport http --method tools/list --header "Authorization: Bearer …"`,
 * through the embedded stack's API Gateway and Lambda authorizer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { INTEROP_TIMEOUT_MS, expectDefaultTools, expectPong, resolveNpmCli } from './support/interop.ts';
import { runProcess } from './support/run-process.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('@modelcontextprotocol/inspector-cli (CLI mode) through the embedded stack', {
  timeout: INTEROP_TIMEOUT_MS,
}, () => {
  let stack: Stack;
  let inspect: (...args: string[]) => Promise<unknown>;

  beforeAll(async () => {
    const cli = resolveNpmCli('@modelcontextprotocol/inspector-cli', 'mcp-inspector-cli');
    stack = await startTestStack();
    inspect = async (...args) => {
      const result = await runProcess(
        process.execPath,
        [
          cli.bin,
          '--cli',
          stack.endpoint,
          '--transport',
          'http',
          '--header',
          `Authorization: Bearer ${stack.token}`,
          ...args,
        ],
        {
          // inspector-cli 1.0.3 looks for its own package.json at `../package.json` relative to the
          // working directory (not to its module); run it from its build directory so it finds it.
          cwd: `${cli.dir}/build`,
          timeoutMs: 60_000,
        },
      );
      if (result.code !== 0)
        throw new Error(`inspector-cli exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
      // The JSON result is the last thing on stdout (a deprecation banner may precede it).
      return JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as unknown;
    };
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the default tools (--method tools/list)', async () => {
    const { tools } = (await inspect('--method', 'tools/list')) as { tools: Array<{ name: string }> };
    expectDefaultTools(tools.map((tool) => tool.name));
  });

  it('calls ping (--method tools/call --tool-name ping)', async () => {
    const result = (await inspect('--method', 'tools/call', '--tool-name', 'ping')) as {
      isError?: boolean;
      structuredContent?: unknown;
    };
    expect(result.isError ?? false).toBe(false);
    expectPong(result.structuredContent);
  });
});
