/**
 * What the CLI says and which exit code it returns when the endpoint cannot be used: wrong token,
 * wrong URL, nothing listening, usage mistakes. Each message must say what to fix.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { startTestStack } from '../support/stack.ts';
import { closedPort, parseJsonStdout, runCli, type SmokeJson } from './cli-runner.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

// Each test starts the CLI in a child process (tsx compiles it first): allow for a busy machine.
vi.setConfig({ testTimeout: 60_000 });

let stack: RunningStack & { token: string };

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('smoke failures: exit codes and hints', () => {
  it('a wrong token exits 4 and says to check the token (v1 client, table)', async () => {
    const run = await runCli(['smoke', '--url', stack.endpoint, '--token', 'not-the-token']);
    expect(run.code).toBe(4);
    expect(run.stdout).toMatch(/connect: initialize \(2025-11-25\)\s+FAIL/);
    expect(run.stderr).toContain('401');
    expect(run.stderr).toContain('check --token');
    expect(run.stdout + run.stderr).not.toContain('not-the-token');
  });

  it('a wrong token exits 4 with the 2026-07-28 v2 client too, and --json still prints one document', async () => {
    const run = await runCli([
      '--url',
      stack.endpoint,
      '--token',
      'not-the-token',
      '--protocol',
      MODERN_PROTOCOL,
      '--json',
    ]);
    expect(run.code).toBe(4);
    const report = parseJsonStdout<SmokeJson>(run);
    expect(report.summary).toMatchObject({ ok: false, exitCode: 4 });
    expect(report.error).toMatchObject({ kind: 'auth' });
    expect(report.error!.hint).toContain('--token');
  });

  it('a token pasted with its "Bearer " scheme exits 2 with a hint of its own, never echoing it', async () => {
    const run = await runCli(['smoke', '--url', stack.endpoint], { env: { MCP_TOKEN: `Bearer ${stack.token}` } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the token starts with "Bearer "');
    expect(run.stdout + run.stderr).not.toContain(stack.token);
  });

  it('a mistyped command says "unknown command" and suggests the right one (exit 2)', async () => {
    const run = await runCli(['smok', '--url', stack.endpoint]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'smok' (Did you mean smoke?)");
    expect(run.stderr).not.toContain('too many arguments');
  });

  it('no token against an endpoint that requires one exits 4 and says to pass one', async () => {
    const run = await runCli(['--url', stack.endpoint]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/pass --token or set MCP_TOKEN/);
  });

  it('a wrong path or stage exits 3 with the API Gateway hint', async () => {
    const urls = [`${stack.baseUrl}/nope`, stack.endpoint.replace(`/${stack.config.stageName}/`, '/wrong-stage/')];
    const runs = await Promise.all(urls.map((url) => runCli(['--url', url, '--token', stack.token, '--json'])));
    for (const [i, run] of runs.entries()) {
      expect(run.code, urls[i]).toBe(3);
      const report = parseJsonStdout<SmokeJson>(run);
      expect(report.error).toMatchObject({ kind: 'wrong-url' });
      expect(report.error!.message).toContain('Missing Authentication Token');
      expect(report.error!.hint).toContain(
        'check --url; API Gateway answers 403 Missing Authentication Token for an unknown path or stage',
      );
    }
  }, 60_000);

  it('a function that fails every invocation (502) exits 1 and says to read its logs', async () => {
    // The conformance profile refuses to start without its requestState key: every INIT fails.
    const broken = await startTestStack({ build: { test: true }, mcpEnvironment: { MCP_PROFILE: 'conformance' } });
    try {
      const run = await runCli(['--url', broken.endpoint, '--token', broken.token, '--json']);
      expect(run.code).toBe(1);
      const report = parseJsonStdout<SmokeJson>(run);
      expect(report.summary).toMatchObject({ ok: false, exitCode: 1 });
      expect(report.error).toMatchObject({ kind: 'server-error' });
      expect(report.error!.hint).toContain(
        'the Lambda function crashed or returned a malformed response (502); read its logs',
      );
    } finally {
      await broken.stop();
    }
  });

  it('a server that is down exits 3 with connection refused, in both eras', async () => {
    const port = await closedPort();
    const protocols = [LEGACY_PROTOCOL, MODERN_PROTOCOL];
    const runs = await Promise.all(
      protocols.map((protocol) =>
        runCli(['--url', `http://127.0.0.1:${port}/dev/mcp`, '--token', 't', '--protocol', protocol]),
      ),
    );
    for (const [i, run] of runs.entries()) {
      const protocol = protocols[i];
      expect(run.code, protocol).toBe(3);
      expect(run.stderr, protocol).toContain('connection refused');
      expect(run.stderr, protocol).toContain('check --url');
    }
  }, 60_000);
});

describe('usage errors exit 2', () => {
  it('rejects a missing URL, a bad option value and bad --args before contacting anything', async () => {
    const [noUrl, badProtocol, badArgs] = await Promise.all([
      runCli(['smoke']),
      runCli(['--url', stack.endpoint, '--protocol', '2024-01-01']),
      runCli(['call', 'lookup_region', '--url', stack.endpoint, '--args', '{not json']),
    ]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('pass --url or set MCP_SERVER_ENDPOINT');
    expect(badProtocol.code).toBe(2);
    expect(badProtocol.stderr).toContain('Allowed choices are 2026-07-28, 2025-11-25, 2025-06-18, 2025-03-26');
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain('--args is not JSON');
  }, 60_000);
});
