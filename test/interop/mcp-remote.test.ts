/**
 * Interop: `mcp-remote`, the stdio↔HTTP bridge desktop clients (Claude Desktop, Cursor, …) use for
 * remote servers, run as they configure it (`npx mcp-remote <url> --header "Authorization: Bearer …"`)
 * against the embedded stack. This test plays the desktop client: JSON-RPC over the bridge's
 * stdin/stdout (initialize, tools/list, tools/call ping). With a valid static header the bridge
 * needs no OAuth flow, so it must never try to open a browser.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.ts';
import { INTEROP_TIMEOUT_MS, expectDefaultTools, expectPong, resolveNpmCli } from './support/interop.ts';
import { StdioJsonRpc } from './support/stdio-json-rpc.ts';
import { LEGACY_PROTOCOL } from '../support/mcp-protocol.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

describe('mcp-remote (stdio bridge) through the embedded stack', { timeout: INTEROP_TIMEOUT_MS }, () => {
  let stack: Stack;
  let bridge: StdioJsonRpc;
  let configDir: string;
  let initialized: Awaited<ReturnType<StdioJsonRpc['request']>>;

  beforeAll(async () => {
    const cli = resolveNpmCli('mcp-remote', 'mcp-remote');
    stack = await startTestStack();
    // Its OAuth client/token cache goes to a throwaway directory, never ~/.mcp-auth.
    configDir = await mkdtemp(path.join(os.tmpdir(), 'mcp-remote-'));
    bridge = new StdioJsonRpc(
      process.execPath,
      // The token travels in the environment, as the README recommends, not in argv.
      [cli.bin, stack.endpoint, '--transport', 'http-only', '--header', 'Authorization:${MCP_AUTH_HEADER}'],
      {
        env: {
          ...process.env,
          MCP_AUTH_HEADER: `Bearer ${stack.token}`,
          MCP_REMOTE_CONFIG_DIR: configDir,
          // Belt and braces: nothing to open a browser with, should it ever try.
          BROWSER: 'false',
          DISPLAY: '',
        },
      },
    );
    // The handshake is the session's setup, as a desktop client does it once: every test below
    // then holds alone or in any order; the first test checks the answer.
    initialized = await bridge.request(
      'initialize',
      {
        protocolVersion: LEGACY_PROTOCOL,
        capabilities: {},
        clientInfo: { name: 'interop-desktop', version: '1.0.0' },
      },
      60_000,
    );
    if (initialized.error === undefined) bridge.notify('notifications/initialized');
  }, 2 * INTEROP_TIMEOUT_MS);
  afterAll(async () => {
    await bridge?.close();
    await stack?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('initializes through the bridge', () => {
    expect(initialized.error).toBeUndefined();
    expect(initialized.result).toMatchObject({
      protocolVersion: LEGACY_PROTOCOL,
      serverInfo: { name: 'stateless-mcp-on-lambda' },
    });
  });

  it('lists the default tools', async () => {
    const response = await bridge.request('tools/list');
    expect(response.error).toBeUndefined();
    expectDefaultTools((response.result as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name));
  });

  it('calls ping', async () => {
    const response = await bridge.request('tools/call', { name: 'ping', arguments: {} });
    expect(response.error).toBeUndefined();
    const result = response.result as { isError?: boolean; structuredContent?: unknown };
    expect(result.isError ?? false).toBe(false);
    expectPong(result.structuredContent);
  });

  it('never started an OAuth flow (the static header was enough)', () => {
    expect(bridge.stderr).toContain('Using custom headers: Authorization');
    expect(bridge.stderr).not.toMatch(/authorization url|opening browser|please authorize/i);
  });
});
