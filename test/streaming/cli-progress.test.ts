/**
 * `npm run client -- call long_task` against a streaming stack, as a user runs it (a child process,
 * stderr a pipe, so progress comes as one line per update): each line shows up while the call is
 * still running, and the result follows on stdout. A proxy holds the stream back after each
 * progress notification until the CLI has printed it, so "while still running" is proved by cause
 * (the rest of the stream was not yet sent), not by how far apart lines arrive on a busy machine.
 * Both client stacks: the v1 SDK at 2025-11-25 (the CLI's default) and the v2 SDK at 2026-07-28.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningStack } from '../../emulator/stack.ts';
import { CLI_SOURCE, repoRoot } from '../client/cli-runner.ts';
import { type GatedSseProxy, startGatedSseProxy } from './gated-sse-proxy.ts';
import { startStreamingStack } from './support.ts';
import { LEGACY_PROTOCOL, MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

// The CLI is compiled by tsx in a child process first: allow for a busy machine.
vi.setConfig({ testTimeout: 120_000 });

interface TimedLine {
  readonly atMs: number;
  readonly text: string;
}

interface TimedRun {
  readonly code: number | null;
  readonly stderr: TimedLine[];
  readonly stdout: string;
  readonly stdoutAtMs: number | undefined;
  readonly exitAtMs: number;
}

/** Runs the CLI and records when each stderr line arrives, and when stdout first gets data. */
function runCliTimed(args: readonly string[], onLine: (text: string) => void): Promise<TimedRun> {
  const { MCP_SERVER_ENDPOINT: _url, MCP_TOKEN: _token, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI_SOURCE, ...args], {
      cwd: repoRoot,
      env: { ...inherited, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr: TimedLine[] = [];
    let pending = '';
    let stdout = '';
    let stdoutAtMs: number | undefined;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        stderr.push({ atMs: performance.now() - started, text: pending.slice(0, end) });
        onLine(pending.slice(0, end));
        pending = pending.slice(end + 1);
      }
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdoutAtMs ??= performance.now() - started;
      stdout += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) stderr.push({ atMs: performance.now() - started, text: pending });
      resolve({ code, stderr, stdout, stdoutAtMs, exitAtMs: performance.now() - started });
    });
  });
}

let stack: RunningStack & { token: string };
let proxy: GatedSseProxy;

beforeAll(async () => {
  stack = await startStreamingStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('npm run client -- call long_task against a streaming stack', () => {
  it.each([LEGACY_PROTOCOL, MODERN_PROTOCOL])(
    '--protocol %s: each progress line is printed before the rest of the stream is sent, then the result',
    async (protocol) => {
      proxy = await startGatedSseProxy(stack.endpoint, 15_000);
      try {
        const run = await runCliTimed(
          [
            'call',
            'long_task',
            '--args',
            '{"steps":4,"stepMs":50}',
            '--protocol',
            protocol,
            '--url',
            proxy.url,
            '--token',
            stack.token,
          ],
          (text) => {
            if (text.startsWith('progress ')) proxy.shown();
          },
        );
        expect(run.code, run.stderr.map((l) => l.text).join('\n')).toBe(0);
        const lines = run.stderr.filter((l) => l.text.startsWith('progress '));
        expect(lines.map((l) => l.text)).toEqual([
          'progress long_task 1/4 (25%) step 1 of 4',
          'progress long_task 2/4 (50%) step 2 of 4',
          'progress long_task 3/4 (75%) step 3 of 4',
          'progress long_task 4/4 (100%) step 4 of 4',
        ]);
        // Every notification reached the CLI through the proxy, and each was printed while the
        // proxy still held the rest of the stream (it never had to give up waiting).
        expect(proxy.forwarded()).toBe(4);
        expect(proxy.gaveUp()).toBe(0);
        // The result was sent only after the last line was printed.
        expect(run.stdoutAtMs).toBeDefined();
        expect(run.stdoutAtMs!).toBeGreaterThanOrEqual(lines[3]!.atMs);
        expect(JSON.parse(run.stdout)).toMatchObject({ stepsCompleted: 4 });
      } finally {
        await proxy.close();
      }
    },
  );
});
