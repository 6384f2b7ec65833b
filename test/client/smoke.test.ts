/**
 * The smoke CLI against the real embedded stack (emulated API Gateway + authorizer + Lambda), run as
 * a child process, in both protocol eras. Fault-injection tools are on so that the "never call a
 * destructive tool, report it as skipped" path is exercised through the same door.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli } from '../../client/build.ts';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { parseJsonStdout, runCli, type SmokeJson } from './cli-runner.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL, PROTOCOL_2025_03_26 } from '../support/mcp-protocol.ts';

const SERVER_TOOLS = ['ping', 'text_stats', 'lookup_region', 'whoami', 'long_task'];

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack({ build: { test: true }, mcpEnvironment: { MCP_FAULT_TOOLS: 'on' } });
});
afterAll(async () => {
  await stack?.stop();
});

function byName(report: SmokeJson): Map<string, SmokeJson['checks'][number]> {
  return new Map(report.checks.map((c) => [c.name, c]));
}

describe('npm run client -- smoke', () => {
  it('passes against the embedded stack with the default 2025-11-25 v1 client, checking every tool (--json)', async () => {
    const run = await runCli(['smoke', '--url', stack.endpoint, '--token', stack.token, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = parseJsonStdout<SmokeJson>(run);
    expect(report.protocol).toMatchObject({ requested: LEGACY_PROTOCOL, negotiated: LEGACY_PROTOCOL });
    expect(report.protocol.client).toContain('@modelcontextprotocol/sdk');
    expect(report.summary).toMatchObject({ ok: true, exitCode: 0, failed: 0 });
    expect(report.error).toBeNull();

    const checks = byName(report);
    for (const tool of SERVER_TOOLS) {
      expect(checks.get(`tools/call ${tool}`), tool).toMatchObject({ status: 'pass' });
      expect(checks.get(`tools/call ${tool}`)!.latencyMs).toBeGreaterThan(0);
    }
    expect(checks.get('tools/call ping')!.detail).toContain('structuredContent matches outputSchema');
    expect(checks.get('tools/call long_task')!.detail).toMatch(/[1-9] progress notifications?/);
    // Fault-injection tools: the harmless one is called, the destructive one is reported, not passed.
    expect(checks.get('tools/call fault_sleep')).toMatchObject({ status: 'pass' });
    expect(checks.get('tools/call fault_crash')).toMatchObject({ status: 'skip' });
    expect(checks.get('tools/call fault_crash')!.detail).toMatch(/^skipped: /);

    expect(checks.get('resources/read info://server')).toMatchObject({ status: 'pass' });
    expect(checks.get('prompts/get plan_region_rollout')).toMatchObject({ status: 'pass' });
    expect(checks.get('auth: no token -> 401 + WWW-Authenticate')).toMatchObject({ status: 'pass' });
    expect(checks.get('auth: no token -> 401 + WWW-Authenticate')!.detail).toContain('resource_metadata=');
    expect(checks.get('auth: wrong token refused')).toMatchObject({ status: 'pass' });
    expect(['pass', 'warn']).toContain(checks.get('auth: RFC 9728 resource metadata')!.status);
    expect(run.stderr).toBe('');
  }, 60_000);

  it('passes with --protocol 2026-07-28 on the v2 client (server/discover, no initialize)', async () => {
    const run = await runCli(['--url', stack.endpoint, '--protocol', MODERN_PROTOCOL, '--json'], {
      env: { MCP_TOKEN: stack.token },
    });
    expect(run.code, run.stderr).toBe(0);
    const report = parseJsonStdout<SmokeJson>(run);
    expect(report.protocol).toMatchObject({ requested: MODERN_PROTOCOL, negotiated: MODERN_PROTOCOL });
    expect(report.protocol.client).toContain('@modelcontextprotocol/client');
    const checks = byName(report);
    expect(checks.get('connect: server/discover (2026-07-28)')).toMatchObject({ status: 'pass' });
    for (const tool of SERVER_TOOLS) expect(checks.get(`tools/call ${tool}`), tool).toMatchObject({ status: 'pass' });
    expect(report.summary.failed).toBe(0);
  }, 60_000);

  it('prints a readable table for an older 2025 revision, URL from MCP_SERVER_ENDPOINT', async () => {
    const run = await runCli(['--protocol', PROTOCOL_2025_03_26], {
      env: { MCP_SERVER_ENDPOINT: stack.endpoint, MCP_TOKEN: stack.token },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^CHECK\s+STATUS\s+LATENCY\s+DETAIL$/m);
    expect(run.stdout).toMatch(/^connect: initialize \(2025-03-26\)\s+PASS\s+[\d.]+ ms\s+.*protocol 2025-03-26$/m);
    expect(run.stdout).toMatch(/^tools\/call lookup_region\s+PASS\s+/m);
    expect(run.stdout).toMatch(/^\d+ passed, 0 failed/m);
    expect(run.stdout).not.toContain(stack.token);
  }, 60_000);

  it('runs from the esbuild bundle the Docker image ships (client/build.ts), auth checks off as in Compose', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'mcp-client-bundle-'));
    try {
      const bundle = await buildCli(path.join(dir, 'cli.mjs'));
      const run = await runCli(
        ['smoke', '--url', stack.endpoint, '--token', stack.token, '--expect-auth', 'off', '--json'],
        { entry: bundle },
      );
      expect(run.code, run.stderr).toBe(0);
      const report = parseJsonStdout<SmokeJson>(run);
      expect(byName(report).get('auth: no token -> 401 + WWW-Authenticate')).toMatchObject({ status: 'skip' });
      expect(report.summary.failed).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
