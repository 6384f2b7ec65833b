/**
 * Interop: the Python `mcp` SDK (PyPI, an independent implementation) and its Streamable HTTP
 * client, from the venv `scripts/install-tools.sh` creates, through the embedded stack with the
 * bearer token: once in `auto` mode (server/discover → 2026-07-28) and once in `legacy` mode
 * (initialize → 2025-11-25). The client script is test/interop/python_client.py.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateTools, type InstalledTools } from '../../scripts/conformance.ts';
import { startTestStack } from '../support/stack.ts';
import { INTEROP_TIMEOUT_MS, expectDefaultTools, expectPong } from './support/interop.ts';
import { runProcess } from './support/run-process.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'python_client.py');

interface PythonReport {
  readonly mode: string;
  readonly protocolVersion: string;
  readonly serverName: string | null;
  readonly tools: string[];
  readonly ping: unknown;
  readonly isError: boolean;
}

describe('Python mcp SDK Streamable HTTP client through the embedded stack', { timeout: INTEROP_TIMEOUT_MS }, () => {
  let stack: Stack;
  let tools: InstalledTools;

  beforeAll(async () => {
    tools = await locateTools(); // fails with "run bash scripts/install-tools.sh" when absent
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function runClient(mode: 'auto' | 'legacy'): Promise<PythonReport> {
    const result = await runProcess(tools.python, [SCRIPT, stack.endpoint, mode], {
      env: { ...process.env, MCP_TOKEN: stack.token, PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: 60_000,
    });
    if (result.code !== 0) throw new Error(`python client (${mode}) exited ${result.code}:\n${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '') as PythonReport;
  }

  it.each([
    ['auto', MODERN_PROTOCOL],
    ['legacy', LEGACY_PROTOCOL],
  ] as const)('mode %s negotiates %s, lists the default tools and calls ping', async (mode, version) => {
    const report = await runClient(mode);
    expect(report.protocolVersion).toBe(version);
    expect(report.serverName).toBe('stateless-mcp-on-lambda');
    expectDefaultTools(report.tools);
    expect(report.isError).toBe(false);
    expectPong(report.ping);
  });
});
